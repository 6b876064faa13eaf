#pragma once
// Families of manufactured products (bottle, vase, mug, ...) described by continuous design
// parameters and evaluated as analytic signed distance functions. Every shape is normalised
// into the cube [-1,1]^3 (centred, largest half extent 1 - margin), +y up, negative inside.
// Hollow products have a wall thickness, so every shape is a solid. Parameter tables are
// documented in docs/SHAPES.md.
#include "core/procedural/SdfPrimitives.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lf {

struct ShapeParameter {
    std::string name;
    double min = 0;
    double max = 1;
    std::string unit;  // "mm", "deg", "1" (a ratio), "count" (an integer)
    std::string description;
    bool integer = false;  // sampled and used as a whole number
};

// One value per parameter, in the order of ShapeFamily::parameters().
using ShapeParams = std::vector<double>;

// A point whose side of the surface follows from the design itself (the middle of a wall, a
// cavity, a bolt hole, empty space beside the product): tests check the SDF sign there.
struct ShapeProbe {
    sdf::Point3 point;  // normalised coordinates
    bool inside = false;
    std::string what;   // "middle of the body wall"
};

// A built shape: everything that depends only on the parameters is precomputed, so evaluating
// the distance at millions of points is cheap. Thread-safe to evaluate concurrently.
class Shape {
public:
    virtual ~Shape() = default;
    // Signed distance at p in normalised coordinates ([-1,1]^3 holds the whole shape).
    virtual float distance(sdf::Point3 p) const = 0;
    virtual std::vector<ShapeProbe> probes() const = 0;
};

class ShapeFamily {
public:
    virtual ~ShapeFamily() = default;
    virtual std::string name() const = 0;         // "bottle"
    virtual std::string description() const = 0;
    virtual const std::vector<ShapeParameter>& parameters() const = 0;

    // Deterministic: the same seed gives the same parameters on every platform (std::mt19937_64
    // with our own uniform mapping; the standard distributions are implementation-defined).
    ShapeParams sample(std::uint64_t seed) const;
    // Throws lf::Error naming the family and parameter when a value is missing or out of range.
    void validate(const ShapeParams& params) const;
    // Validates, then precomputes the shape.
    std::unique_ptr<Shape> build(const ShapeParams& params) const;
    // Convenience for single points (builds the shape each call: use build() for grids).
    float sdf(const ShapeParams& params, sdf::Point3 p) const { return build(params)->distance(p); }

    static constexpr float kMargin = 0.1f;  // normalised shapes fit in [-0.9, 0.9]^3

    // The shape in its own units (mm) with its axis-aligned bounds; build() normalises it.
    struct Bounds {
        sdf::Point3 min, max;
    };
    class WorldShape {
    public:
        virtual ~WorldShape() = default;
        virtual float distance(sdf::Point3 p) const = 0;
        virtual Bounds bounds() const = 0;
        virtual std::vector<ShapeProbe> probes() const = 0;  // in world units (mm)
    };

protected:
    // `params` are validated; integer parameters are whole numbers.
    virtual std::unique_ptr<WorldShape> buildWorld(const ShapeParams& params) const = 0;
};

// All families, in a fixed order (dataset family indices refer to it).
const std::vector<std::unique_ptr<ShapeFamily>>& shapeFamilies();
// Throws lf::Error listing the known names when `name` is unknown.
const ShapeFamily& shapeFamily(const std::string& name);
int shapeFamilyIndex(const std::string& name);

// A uniform double in [0, 1) from the top 53 bits of one mt19937_64 output.
double uniformUnit(std::uint64_t randomBits);

}  // namespace lf
