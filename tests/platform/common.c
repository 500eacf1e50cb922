/* The test platform's parts that are the same everywhere. */
#include "platform.h"

#include <string.h>

#ifndef _WIN32
#include <arpa/inet.h>
#endif

unsigned char pattern_byte(unsigned seed, uint64_t offset)
{
	uint64_t x = (offset + 1) * 0x9E3779B97F4A7C15ull ^ seed;

	return (unsigned char)(x >> 29);
}

struct sockaddr_in loopback_addr(uint16_t port)
{
	struct sockaddr_in addr;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(port);
	return addr;
}
