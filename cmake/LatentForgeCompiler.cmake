# Compiler settings shared by every target.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(lf_warnings INTERFACE)
# -Wno-restrict: GCC 12 reports a false positive inside std::string's operator+ (GCC bug 105329).
target_compile_options(lf_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter -Wno-restrict)

# Torch's headers define a function named slots(); Qt's keyword macros must stay off everywhere.
add_compile_definitions(QT_NO_KEYWORDS)
