#ifndef KLAXON_CICAL_SHIM_H
#define KLAXON_CICAL_SHIM_H
/* Everything ICal calls imports as is (checked with swift-synthesize-interface). Not imported:
 * the macro `icalerrno` (read `icalerrno_return().pointee` instead) and the variadic
 * `icalcomponent_vanew` / `icalproperty_vanew` (build with `icalcomponent_new` + `add_property`). */
#include <libical/ical.h>
#endif
