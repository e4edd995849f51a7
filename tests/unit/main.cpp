// The one Catch2 main for the unit tests; the same binary runs natively and under node.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
