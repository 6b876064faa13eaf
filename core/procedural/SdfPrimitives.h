#pragma once
// Signed distance building blocks for the procedural shape families: exact distances of simple
// solids, profiles revolved about the +y axis, and boolean/rounding operators. Negative inside.
// Distances are in the caller's units; the families work in millimetres.
#include <cmath>
#include <vector>

namespace lf::sdf {

struct Point3 {
    float x = 0, y = 0, z = 0;
};
struct Point2 {
    float x = 0, y = 0;  // in a profile: x = radius from the axis, y = height
};

inline float length(float a, float b) { return std::sqrt(a * a + b * b); }
inline float length(float a, float b, float c) { return std::sqrt(a * a + b * b + c * c); }

// Booleans. Exact outside for union, a bound elsewhere (enough for grids and contouring).
inline float unite(float a, float b) { return std::fmin(a, b); }
inline float intersect(float a, float b) { return std::fmax(a, b); }
inline float subtract(float a, float b) { return std::fmax(a, -b); }
// Polynomial smooth minimum: blends the two surfaces over a band of width k (a fillet).
inline float smoothUnite(float a, float b, float k) {
    if (k <= 0) return std::fmin(a, b);
    const float h = std::fmax(k - std::fabs(a - b), 0.0f) / k;
    return std::fmin(a, b) - h * h * k * 0.25f;
}

// Axis-aligned box centred at the origin with half extents (hx, hy, hz), edges rounded by r.
inline float box(Point3 p, float hx, float hy, float hz, float r = 0) {
    const float qx = std::fabs(p.x) - hx + r, qy = std::fabs(p.y) - hy + r,
                qz = std::fabs(p.z) - hz + r;
    return length(std::fmax(qx, 0.f), std::fmax(qy, 0.f), std::fmax(qz, 0.f)) +
           std::fmin(std::fmax(qx, std::fmax(qy, qz)), 0.f) - r;
}

// Cylinder along the axis through (cx, cz) parallel to y, radius r, y in [y0, y1].
inline float cylinderY(Point3 p, float cx, float cz, float r, float y0, float y1) {
    const float dr = length(p.x - cx, p.z - cz) - r;
    const float dy = std::fmax(y0 - p.y, p.y - y1);
    return std::fmin(std::fmax(dr, dy), 0.f) + length(std::fmax(dr, 0.f), std::fmax(dy, 0.f));
}

// Capsule (segment a-b swept by radius r).
inline float capsule(Point3 p, Point3 a, Point3 b, float r) {
    const float px = p.x - a.x, py = p.y - a.y, pz = p.z - a.z;
    const float bx = b.x - a.x, by = b.y - a.y, bz = b.z - a.z;
    const float bb = bx * bx + by * by + bz * bz;
    float h = bb > 0 ? (px * bx + py * by + pz * bz) / bb : 0.f;
    h = std::fmin(std::fmax(h, 0.f), 1.f);
    return length(px - bx * h, py - by * h, pz - bz * h) - r;
}

// Torus in the plane spanned by `u` = x and y (axis along z), centre c, radii R (major), r.
inline float torusXY(Point3 p, Point3 c, float R, float r) {
    const float q = length(p.x - c.x, p.y - c.y) - R;
    return length(q, p.z - c.z) - r;
}

// The profile coordinates of p for solids of revolution about the y axis.
inline Point2 revolve(Point3 p) { return {length(p.x, p.z), p.y}; }

// Rotates p about the y axis into the first of n equal sectors, so that one feature modelled
// at angle 0 (on +x) repeats n times around the axis (bolt circles, knurls).
inline Point3 repeatAroundY(Point3 p, int n) {
    const float sector = 2.f * float(M_PI) / float(n);
    float a = std::atan2(p.z, p.x);
    a -= sector * std::round(a / sector);
    const float r = length(p.x, p.z);
    return {r * std::cos(a), p.y, r * std::sin(a)};
}

// A closed polygon in the profile half-plane (x >= 0). Edges lying on the axis (x == 0) are
// not surfaces of the revolved solid, so they count for inside/outside but not for distance.
class ProfilePolygon {
public:
    explicit ProfilePolygon(std::vector<Point2> vertices);
    float distance(Point2 q) const;  // exact signed distance in the profile plane
    float minY() const { return minY_; }
    float maxY() const { return maxY_; }
    float maxRadius() const { return maxX_; }

private:
    std::vector<Point2> v_;
    std::vector<bool> onAxis_;
    float minY_ = 0, maxY_ = 0, maxX_ = 0;
};

// An open polyline in the profile half-plane; the solid is every point within `halfThickness`
// of it, revolved: a wall of constant thickness with rounded ends (vessel walls, shades).
class ProfileWall {
public:
    ProfileWall(std::vector<Point2> vertices, float halfThickness);
    float distance(Point2 q) const;

private:
    std::vector<Point2> v_;
    float halfThickness_;
};

// Samples y = f(t) style smooth curves: `count` points of a Catmull-Rom spline through `knots`.
std::vector<Point2> catmullRom(const std::vector<Point2>& knots, int samplesPerSegment);

}  // namespace lf::sdf
