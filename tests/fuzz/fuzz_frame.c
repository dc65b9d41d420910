/* Fuzz target: Ethernet frames from the home side through frame_classify
 * (the rogue-RA guard). */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in6_addr src;

	(void)frame_classify(data, size, &src);
	return 0;
}
