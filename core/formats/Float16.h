#pragma once
// IEEE 754 binary16 conversion for F16 tensors (the shape dataset stores SDF grids as F16 to
// halve the file size). Round-to-nearest-even, with overflow to infinity and subnormals.
#include <cstdint>

namespace lf {

std::uint16_t floatToHalf(float value);
float halfToFloat(std::uint16_t half);

}  // namespace lf
