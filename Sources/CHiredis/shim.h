#ifndef KLAXON_CHIREDIS_SHIM_H
#define KLAXON_CHIREDIS_SHIM_H
/* redisCommand is variadic; Swift callers use redisCommandArgv / redisAppendCommandArgv. */
#include <hiredis/hiredis.h>
#endif
