#ifndef KLAXON_CYAML_SHIM_H
#define KLAXON_CYAML_SHIM_H
#include <yaml.h>
#endif
