// The product families. Each one: a parameter table (kept in sync with docs/SHAPES.md), the
// geometry in millimetres with +y up and the base at y = 0, and probe points whose side of the
// surface follows from the design. Walls are thicker than on real products (7-12 mm on a
// 100-250 mm product) so that they stay at least ~2 voxels thick in 64^3 grids.
#include "core/procedural/ShapeFamily.h"

#include <algorithm>
#include <cmath>

namespace lf {
namespace {

using sdf::Point2;
using sdf::Point3;
constexpr float kPi = 3.14159265358979f;

// A family whose name, description and table are data; subclasses only build geometry.
// A family described by its parameter table, building `Shape` (a WorldShape made from the
// parameter values) for each sample.
template <class Shape>
class TableFamily final : public ShapeFamily {
public:
    TableFamily(std::string name, std::string description, std::vector<ShapeParameter> table)
        : name_(std::move(name)), description_(std::move(description)), table_(std::move(table)) {}
    std::string name() const override { return name_; }
    std::string description() const override { return description_; }
    const std::vector<ShapeParameter>& parameters() const override { return table_; }

protected:
    std::unique_ptr<WorldShape> buildWorld(const ShapeParams& p) const override {
        return std::make_unique<Shape>(p);
    }

private:
    std::string name_, description_;
    std::vector<ShapeParameter> table_;
};

template <class Shape>
std::unique_ptr<ShapeFamily> tableFamily(std::string name, std::string description,
                                         std::vector<ShapeParameter> table) {
    return std::make_unique<TableFamily<Shape>>(std::move(name), std::move(description), std::move(table));
}

ShapeParameter mm(std::string name, double min, double max, std::string description) {
    return {std::move(name), min, max, "mm", std::move(description), false};
}
ShapeParameter ratio(std::string name, double min, double max, std::string description) {
    return {std::move(name), min, max, "1", std::move(description), false};
}
ShapeParameter count(std::string name, double min, double max, std::string description) {
    return {std::move(name), min, max, "count", std::move(description), true};
}

ShapeFamily::Bounds revolvedBounds(float radius, float y0, float y1) {
    return {{-radius, y0, -radius}, {radius, y1, radius}};
}

// ---------------------------------------------------------------------------------------------
// Bottle: rounded body, shoulder (cone to dome), neck, screw cap. Closed, so the cavity is an
// internal void (two surface components: the outside and the cavity).
class BottleShape final : public ShapeFamily::WorldShape {
public:
    explicit BottleShape(const ShapeParams& p)
        : bodyRadius_(float(p[0])), bodyHeight_(float(p[1])), wall_(float(p[8])),
          outer_(outerProfile(p)), cavity_(cavityProfile(p)) {
        neckTop_ = float(p[1] + p[2] + p[5]);
        capHeight_ = float(p[6]);
        capRadius_ = neckRadius(p) + float(p[7]);
    }
    float distance(Point3 p) const override {
        const Point2 q = sdf::revolve(p);
        return sdf::subtract(outer_.distance(q), cavity_.distance(q));
    }
    ShapeFamily::Bounds bounds() const override {
        return revolvedBounds(outer_.maxRadius(), outer_.minY(), outer_.maxY());
    }
    std::vector<ShapeProbe> probes() const override {
        return {{{bodyRadius_ - wall_ / 2, bodyHeight_ / 2, 0}, true, "middle of the body wall"},
                {{0, wall_ / 2, 0}, true, "middle of the bottom"},
                {{0, bodyHeight_ / 2, 0}, false, "body cavity"},
                {{0, neckTop_ + capHeight_ / 2, 0}, true, "inside the cap"},
                {{bodyRadius_ + 5, bodyHeight_ / 2, 0}, false, "beside the body"},
                {{0, neckTop_ + capHeight_ + 5, 0}, false, "above the cap"}};
    }

private:
    static float neckRadius(const ShapeParams& p) {
        // At least wall + 5 mm so that the neck keeps a bore.
        return std::max(float(p[4] * p[0]), float(p[8]) + 5.f);
    }
    // Shoulder radius at fraction t of its height: cone (roundness 0) to quarter ellipse (1).
    static float shoulderRadius(const ShapeParams& p, float t, float radius, float neck) {
        const float cone = radius + (neck - radius) * t;
        const float dome = neck + (radius - neck) * std::cos(t * kPi / 2);
        const float k = float(p[3]);
        return cone * (1 - k) + dome * k;
    }
    static sdf::ProfilePolygon outerProfile(const ShapeParams& p) {
        const float R = float(p[0]), Hb = float(p[1]), Hs = float(p[2]), Hn = float(p[5]);
        const float Hc = float(p[6]), rc = float(p[9]);
        const float neck = neckRadius(p), cap = neck + float(p[7]);
        std::vector<Point2> v{{0, 0}};
        for (int i = 0; i <= 6; ++i) {  // rounded base edge
            const float a = -kPi / 2 + kPi / 2 * float(i) / 6;
            v.push_back({R - rc + rc * std::cos(a), rc + rc * std::sin(a)});
        }
        for (int i = 0; i <= 16; ++i) {
            const float t = float(i) / 16;
            v.push_back({shoulderRadius(p, t, R, neck), Hb + Hs * t});
        }
        const float yNeckTop = Hb + Hs + Hn;
        const float bevel = std::min(1.5f, Hc / 4);
        v.push_back({neck, yNeckTop});
        v.push_back({cap, yNeckTop});
        v.push_back({cap, yNeckTop + Hc - bevel});
        v.push_back({cap - bevel, yNeckTop + Hc});
        v.push_back({0, yNeckTop + Hc});
        return sdf::ProfilePolygon(std::move(v));
    }
    static sdf::ProfilePolygon cavityProfile(const ShapeParams& p) {
        const float R = float(p[0]), Hb = float(p[1]), Hs = float(p[2]), Hn = float(p[5]);
        const float t = float(p[8]);
        const float neck = neckRadius(p);
        const float bore = std::max(neck - t, 0.3f * neck);
        std::vector<Point2> v{{0, t}, {R - t, t}};
        for (int i = 0; i <= 16; ++i) {
            const float s = float(i) / 16;
            v.push_back({std::max(shoulderRadius(p, s, R, neck) - t, bore), Hb + Hs * s});
        }
        v.push_back({bore, Hb + Hs + Hn});
        v.push_back({0, Hb + Hs + Hn});
        return sdf::ProfilePolygon(std::move(v));
    }

    float bodyRadius_, bodyHeight_, wall_;
    sdf::ProfilePolygon outer_, cavity_;
    float neckTop_ = 0, capHeight_ = 0, capRadius_ = 0;
};

std::unique_ptr<ShapeFamily> bottleFamily() {
    return tableFamily<BottleShape>(
        "bottle", "Capped bottle: rounded body, shoulder, neck and screw cap",
        {mm("body_radius", 28, 45, "outer radius of the cylindrical body"),
         mm("body_height", 70, 130, "height of the cylindrical body"),
         mm("shoulder_height", 15, 45, "height of the transition body to neck"),
         ratio("shoulder_roundness", 0, 1, "0 = conical shoulder, 1 = domed"),
         ratio("neck_radius_ratio", 0.35, 0.55,
               "neck radius / body radius (at least wall + 5 mm)"),
         mm("neck_height", 12, 30, "height of the neck below the cap"),
         mm("cap_height", 12, 24, "height of the screw cap"),
         mm("cap_overhang", 1.5, 4, "cap radius minus neck radius"),
         mm("wall_thickness", 7, 10, "wall and bottom thickness"),
         mm("base_rounding", 2, 10, "radius of the rounded bottom edge")});
}

// ---------------------------------------------------------------------------------------------
// Vase: a smooth profile curve (base, belly, neck, lip) swept as a wall of constant thickness.
class VaseShape final : public ShapeFamily::WorldShape {
public:
    explicit VaseShape(const ShapeParams& p)
        : height_(float(p[0])), wall_(float(p[7])), curve_(profile(p)), wallSweep_(curve_, wall_ / 2) {
        bellyHeight_ = float(p[3] * p[0]);
        baseRadius_ = float(p[1]);
        for (const Point2& c : curve_) maxRadius_ = std::max(maxRadius_, c.x);
    }
    float distance(Point3 p) const override { return wallSweep_.distance(sdf::revolve(p)); }
    ShapeFamily::Bounds bounds() const override {
        return revolvedBounds(maxRadius_ + wall_ / 2, 0, height_ + wall_ / 2);
    }
    std::vector<ShapeProbe> probes() const override {
        return {{{baseRadius_ / 2, wall_ / 2, 0}, true, "middle of the bottom"},
                {{0, bellyHeight_, 0}, false, "cavity at the belly"},
                {{maxRadius_ + wall_ / 2 + 5, bellyHeight_, 0}, false, "beside the belly"},
                {{0, height_ + wall_, 0}, false, "above the mouth"}};
    }

private:
    static std::vector<Point2> profile(const ShapeParams& p) {
        const float H = float(p[0]), t = float(p[7]);
        const std::vector<Point2> knots{{float(p[1]), t / 2},
                                        {float(p[2]), float(p[3]) * H},
                                        {float(p[4]), float(p[5]) * H},
                                        {float(p[6]), H}};
        std::vector<Point2> curve{{0, t / 2}};
        for (const Point2& c : sdf::catmullRom(knots, 12))
            curve.push_back({std::max(c.x, t), c.y});  // never closer to the axis than the wall
        return curve;
    }

    float height_, wall_;
    std::vector<Point2> curve_;
    sdf::ProfileWall wallSweep_;
    float bellyHeight_ = 0, baseRadius_ = 0, maxRadius_ = 0;
};

std::unique_ptr<ShapeFamily> vaseFamily() {
    return tableFamily<VaseShape>(
        "vase", "Open vase: spline profile through base, belly, neck and lip",
        {mm("height", 120, 220, "overall height"),
         mm("base_radius", 25, 50, "radius where the wall meets the bottom"),
         mm("belly_radius", 40, 80, "radius at the widest point"),
         ratio("belly_height_ratio", 0.2, 0.6, "belly height / height"),
         mm("neck_radius", 18, 45, "radius at the waist below the lip"),
         ratio("neck_height_ratio", 0.7, 0.9, "neck height / height"),
         mm("lip_radius", 22, 55, "radius of the rim"),
         mm("wall_thickness", 8, 12, "wall and bottom thickness")});
}

// ---------------------------------------------------------------------------------------------
// Mug: tapered cup (polygon profile with a thick bottom) plus a torus handle on +x.
class MugShape final : public ShapeFamily::WorldShape {
public:
    explicit MugShape(const ShapeParams& p)
        : R_(float(p[0])), H_(float(p[1])), t_(float(p[2])), base_(float(p[3])),
          taper_(float(p[7])), cup_(cupProfile(p)) {
        tube_ = float(p[5]);
        loop_ = std::min(float(p[4]), 0.45f * H_ - tube_);  // the handle stays within the height
        handleY_ = std::clamp(float(p[6]) * H_, loop_ + tube_, H_ - loop_ - tube_);
        handleX_ = R_ + taper_ * handleY_ / H_;
    }
    float distance(Point3 p) const override {
        const float cup = cup_.distance(sdf::revolve(p));
        float handle = sdf::torusXY(p, {handleX_, handleY_, 0}, loop_, tube_);
        // Only the outer part of the ring: nothing of the handle may enter the cavity.
        handle = sdf::subtract(handle, sdf::length(p.x, p.z) - (innerRadiusAt(p.y) + t_ / 2));
        return sdf::smoothUnite(cup, handle, 3.f);
    }
    ShapeFamily::Bounds bounds() const override {
        const float r = std::max(R_, R_ + taper_);
        return {{-r, 0, -r}, {std::max(r, handleX_ + loop_ + tube_), H_, r}};
    }
    std::vector<ShapeProbe> probes() const override {
        const float y = H_ / 2, r = R_ + taper_ * y / H_;
        return {{{-(r - t_ / 2), y, 0}, true, "middle of the wall (opposite the handle)"},
                {{0, base_ / 2, 0}, true, "middle of the bottom"},
                {{0, (base_ + H_) / 2, 0}, false, "cavity"},
                {{handleX_ + loop_, handleY_, 0}, true, "middle of the handle"},
                {{handleX_ + 0.5f * (loop_ - tube_), handleY_, 0}, false, "hole of the handle"},
                {{0, handleY_, -(r + 8)}, false, "beside the cup"}};
    }

private:
    float innerRadiusAt(float y) const { return R_ + taper_ * std::clamp(y / H_, 0.f, 1.f) - t_; }
    static sdf::ProfilePolygon cupProfile(const ShapeParams& p) {
        const float R = float(p[0]), H = float(p[1]), t = float(p[2]), base = float(p[3]);
        const float Rt = R + float(p[7]);
        const float e = 2.f;  // small bevel on the foot
        return sdf::ProfilePolygon({{0, 0}, {R - e, 0}, {R, e}, {Rt, H}, {Rt - t, H},
                                    {R - t + (Rt - R) * base / H, base}, {0, base}});
    }

    float R_, H_, t_, base_, taper_;
    sdf::ProfilePolygon cup_;
    float tube_ = 0, loop_ = 0, handleY_ = 0, handleX_ = 0;
};

std::unique_ptr<ShapeFamily> mugFamily() {
    return tableFamily<MugShape>(
        "mug", "Mug: tapered cup with a thick bottom and a ring handle",
        {mm("radius", 35, 50, "outer radius at the foot"),
         mm("height", 80, 115, "overall height"),
         mm("wall_thickness", 6, 9, "side wall thickness"),
         mm("base_thickness", 6, 12, "bottom thickness"),
         mm("handle_loop_radius", 22, 35,
            "radius of the handle's centre line (limited to 0.45 height - tube)"),
         mm("handle_thickness", 5, 9, "radius of the handle's cross-section"),
         ratio("handle_height_ratio", 0.4, 0.6, "handle centre height / height"),
         mm("taper", -8, 6, "rim radius minus foot radius")});
}

// ---------------------------------------------------------------------------------------------
// Bowl: conical-to-round wall on a foot ring, optional flared rim.
class BowlShape final : public ShapeFamily::WorldShape {
public:
    explicit BowlShape(const ShapeParams& p)
        : rim_(float(p[0])), depth_(float(p[1])), foot_(float(p[2] * p[0])), footH_(float(p[3])),
          t_(float(p[4])), flare_(float(p[6])), curve_(profile(p)), wall_(curve_, t_ / 2) {}
    float distance(Point3 p) const override {
        const Point2 q = sdf::revolve(p);
        // Foot ring: a rectangle in the profile plane, inner radius foot - t.
        const float cx = foot_ - t_ / 2, cy = (footH_ + t_) / 2;
        const float dx = std::fabs(q.x - cx) - t_ / 2, dy = std::fabs(q.y - cy) - cy;
        const float ring = std::fmin(std::fmax(dx, dy), 0.f) +
                           sdf::length(std::fmax(dx, 0.f), std::fmax(dy, 0.f));
        return sdf::smoothUnite(wall_.distance(q), ring, 2.f);
    }
    ShapeFamily::Bounds bounds() const override {
        float r = 0, top = 0;
        for (const Point2& c : curve_) {
            r = std::max(r, c.x);
            top = std::max(top, c.y);
        }
        return revolvedBounds(r + t_ / 2, 0, top + t_ / 2);
    }
    std::vector<ShapeProbe> probes() const override {
        const Point2 mid = curve_[curve_.size() / 2];
        return {{{mid.x, mid.y, 0}, true, "middle of the wall"},
                {{0, footH_ + t_ / 2, 0}, true, "middle of the bottom"},
                {{0, footH_ + t_ + depth_ / 2, 0}, false, "inside the bowl"},
                {{0, footH_ * 0.4f, 0}, false, "under the bottom, inside the foot ring"},
                {{rim_ + flare_ + t_ + 10, footH_, 0}, false, "beside the bowl"}};
    }

private:
    static std::vector<Point2> profile(const ShapeParams& p) {
        const float rim = float(p[0]), depth = float(p[1]), foot = float(p[2] * p[0]);
        const float footH = float(p[3]), t = float(p[4]), k = float(p[5]), flare = float(p[6]);
        const float y0 = footH + t / 2;
        std::vector<Point2> curve{{0, y0}};
        for (int i = 0; i <= 20; ++i) {
            const float u = float(i) / 20;
            const float coneX = foot + (rim - foot) * u, coneY = depth * u;
            const float roundX = foot + (rim - foot) * std::sin(u * kPi / 2);
            const float roundY = depth * (1 - std::cos(u * kPi / 2));
            curve.push_back({coneX * (1 - k) + roundX * k, y0 + coneY * (1 - k) + roundY * k});
        }
        if (flare > 0.5f) curve.push_back({rim + flare, y0 + depth + flare * 0.3f});
        return curve;
    }

    float rim_, depth_, foot_, footH_, t_, flare_;
    std::vector<Point2> curve_;
    sdf::ProfileWall wall_;
};

std::unique_ptr<ShapeFamily> bowlFamily() {
    return tableFamily<BowlShape>(
        "bowl", "Bowl: conical-to-round wall on a foot ring, flared rim",
        {mm("rim_radius", 60, 100, "radius of the rim (wall centre line)"),
         mm("depth", 30, 60, "height of the wall above the bottom"),
         ratio("foot_radius_ratio", 0.35, 0.6, "foot ring radius / rim radius"),
         mm("foot_height", 4, 10, "height of the foot ring below the bottom"),
         mm("wall_thickness", 7, 10, "wall, bottom and foot ring thickness"),
         ratio("roundness", 0, 1, "0 = conical wall, 1 = round wall"),
         mm("rim_flare", 0, 10, "outward flare of the rim")});
}

// ---------------------------------------------------------------------------------------------
// Lamp shade: a curved open shell with a spider fitter (hub ring and spokes) at the top.
class LampShadeShape final : public ShapeFamily::WorldShape {
public:
    explicit LampShadeShape(const ShapeParams& p)
        : bottom_(float(p[0])), top_(float(p[1] * p[0])), H_(float(p[2])), t_(float(p[4])),
          spokes_(int(p[5])), spokeR_(float(p[6])), hub_(float(p[7])), curve_(profile(p)),
          wall_(curve_, t_ / 2) {
        yTop_ = H_ - t_ / 2;
        for (const Point2& c : curve_) maxR_ = std::max(maxR_, c.x);
    }
    float distance(Point3 p) const override {
        const Point2 q = sdf::revolve(p);
        const float shell = wall_.distance(q);
        const float hubRing = sdf::length(q.x - hub_, q.y - yTop_) - spokeR_;
        const Point3 s = sdf::repeatAroundY(p, spokes_);
        const float spoke = sdf::capsule(s, {hub_, yTop_, 0}, {top_, yTop_, 0}, spokeR_);
        return sdf::smoothUnite(shell, sdf::smoothUnite(hubRing, spoke, 2.f), 2.f);
    }
    ShapeFamily::Bounds bounds() const override {
        return revolvedBounds(maxR_ + t_ / 2, 0, H_);
    }
    std::vector<ShapeProbe> probes() const override {
        return {{{curve_.front().x, curve_.front().y, 0}, true, "bottom edge of the shell"},
                {{(hub_ + top_) / 2, yTop_, 0}, true, "middle of a spoke"},
                {{hub_, yTop_, 0}, true, "hub ring"},
                {{0, H_ / 2, 0}, false, "inside the shade"},
                {{0, yTop_, 0}, false, "centre of the hub ring (bulb holder opening)"},
                {{maxR_ + t_ + 10, H_ / 2, 0}, false, "beside the shade"}};
    }

private:
    static std::vector<Point2> profile(const ShapeParams& p) {
        const float bottom = float(p[0]), top = float(p[1] * p[0]), H = float(p[2]);
        const float bulge = float(p[3]), t = float(p[4]);
        const std::vector<Point2> knots{{bottom, t / 2},
                                        {(bottom + top) / 2 + bulge, H / 2},
                                        {top, H - t / 2}};
        return sdf::catmullRom(knots, 16);
    }

    float bottom_, top_, H_, t_;
    int spokes_;
    float spokeR_, hub_;
    std::vector<Point2> curve_;
    sdf::ProfileWall wall_;
    float yTop_ = 0, maxR_ = 0;
};

std::unique_ptr<ShapeFamily> lampShadeFamily() {
    return tableFamily<LampShadeShape>(
        "lamp_shade", "Lamp shade: open curved shell with a spider fitter",
        {mm("bottom_radius", 60, 110, "radius of the lower edge"),
         ratio("top_radius_ratio", 0.35, 0.9, "top radius / bottom radius"),
         mm("height", 80, 160, "overall height"),
         mm("bulge", -15, 20, "outward (+) or inward (-) bow of the side at mid-height"),
         mm("wall_thickness", 7, 10, "shell thickness"),
         count("spoke_count", 3, 4, "number of fitter spokes"),
         mm("spoke_radius", 3.5, 5, "radius of spokes and hub ring"),
         mm("hub_radius", 12, 20, "radius of the hub ring (bulb holder)")});
}

// ---------------------------------------------------------------------------------------------
// Knob: knurled cylinder with a skirt, chamfer, domed top and a D-shaft blind bore.
class KnobShape final : public ShapeFamily::WorldShape {
public:
    explicit KnobShape(const ShapeParams& p)
        : R_(float(p[0])), H_(float(p[1])), knurls_(int(p[2])), depth_(float(p[3])),
          skirtR_(float(p[0] + p[6])), skirtH_(float(p[7])), bore_(float(p[8])),
          boreDepth_(float(p[9] * p[1])), body_(profile(p)) {
        groove_ = 0.35f * 2 * kPi * R_ / float(knurls_);
        chamfer_ = float(p[5]);
    }
    float distance(Point3 p) const override {
        float d = body_.distance(sdf::revolve(p));
        const Point3 s = sdf::repeatAroundY(p, knurls_);
        const float groove = sdf::cylinderY(s, R_ + groove_ - depth_, 0, groove_,
                                            skirtH_ + 1.5f, H_ - chamfer_);
        d = sdf::subtract(d, groove);
        // D-shaft bore: a cylinder with one flat side.
        const float boreHole = sdf::intersect(sdf::cylinderY(p, 0, 0, bore_, -1.f, boreDepth_),
                                              p.x - 0.6f * bore_);
        return sdf::subtract(d, boreHole);
    }
    ShapeFamily::Bounds bounds() const override {
        return revolvedBounds(std::max(R_, skirtR_), 0, body_.maxY());
    }
    std::vector<ShapeProbe> probes() const override {
        return {{{R_ * 0.6f, (skirtH_ + H_) / 2, 0}, true, "solid grip"},
                {{0, (boreDepth_ + H_) / 2, 0}, true, "solid above the bore"},
                {{-0.3f * bore_, boreDepth_ / 2, 0}, false, "inside the shaft bore"},
                {{R_ - depth_ / 2, (skirtH_ + H_) / 2, 0}, false, "inside a knurl groove"},
                {{std::max(R_, skirtR_) + 8, H_ / 2, 0}, false, "beside the knob"}};
    }

private:
    static sdf::ProfilePolygon profile(const ShapeParams& p) {
        const float R = float(p[0]), H = float(p[1]), dome = float(p[4]), c = float(p[5]);
        const float skirtR = float(p[0] + p[6]), skirtH = float(p[7]);
        std::vector<Point2> v{{0, 0}, {skirtR, 0}, {skirtR, skirtH}, {R, skirtH},
                              {R, H - c}, {R - c, H}};
        for (int i = 1; i <= 8; ++i) {  // dome: a cosine cap over the top face
            const float u = float(i) / 8;
            v.push_back({(R - c) * (1 - u), H + dome * std::sin(u * kPi / 2)});
        }
        return sdf::ProfilePolygon(std::move(v));
    }

    float R_, H_;
    int knurls_;
    float depth_, skirtR_, skirtH_, bore_, boreDepth_;
    sdf::ProfilePolygon body_;
    float groove_ = 0, chamfer_ = 0;
};

std::unique_ptr<ShapeFamily> knobFamily() {
    return tableFamily<KnobShape>(
        "knob", "Control knob: knurled grip, skirt, domed top, D-shaft bore",
        {mm("radius", 15, 30, "grip radius"),
         mm("height", 15, 30, "height of the grip top edge"),
         count("knurl_count", 8, 24, "number of grooves around the grip"),
         mm("knurl_depth", 1, 2.5, "groove depth"),
         mm("top_dome", 0, 6, "height of the domed top"),
         mm("chamfer", 0.5, 3, "chamfer at the top edge"),
         mm("skirt_overhang", 0, 5, "skirt radius minus grip radius"),
         mm("skirt_height", 2, 5, "height of the skirt"),
         mm("bore_radius", 2.5, 4, "radius of the D-shaft bore"),
         ratio("bore_depth_ratio", 0.3, 0.7, "bore depth / height")});
}

// ---------------------------------------------------------------------------------------------
// Bracket: L-profile (filleted inner corner) extruded along z, rounded edges, holes in both legs.
class BracketShape final : public ShapeFamily::WorldShape {
public:
    explicit BracketShape(const ShapeParams& p)
        : La_(float(p[0])), Lb_(float(p[1])), W_(float(p[2])), T_(float(p[3])),
          fillet_(float(p[4])), holes_(int(p[6])), round_(float(p[7])), profile_(lProfile(p)) {
        const float clear = T_ + fillet_;
        pitchA_ = (La_ - clear) / float(holes_);
        pitchB_ = (Lb_ - clear) / float(holes_);
        // Holes stay inside their leg: at most 0.3 of the pitch and 0.3 of the width.
        holeR_ = std::min({float(p[5]), 0.3f * pitchA_, 0.3f * pitchB_, 0.3f * W_});
    }
    float distance(Point3 p) const override {
        // Rounded extrusion: inset the profile and the width by r, then grow by r.
        const float d2 = profile_.distance({p.x, p.y}) + round_;
        const float dz = std::fabs(p.z) - W_ / 2 + round_;
        float d = std::fmin(std::fmax(d2, dz), 0.f) +
                  sdf::length(std::fmax(d2, 0.f), std::fmax(dz, 0.f)) - round_;
        for (int i = 0; i < holes_; ++i) {
            const float x = holeA(i), y = holeB(i);
            d = sdf::subtract(d, sdf::length(p.x - x, p.z) - holeR_);  // through the base leg
            d = sdf::subtract(d, sdf::length(p.y - y, p.z) - holeR_);  // through the upright
        }
        return d;
    }
    ShapeFamily::Bounds bounds() const override {
        return {{0, 0, -W_ / 2}, {La_, Lb_, W_ / 2}};
    }
    std::vector<ShapeProbe> probes() const override {
        const float zSolid = (holeR_ + W_ / 2) / 2;
        return {{{holeA(0), T_ / 2, zSolid}, true, "base leg beside a hole"},
                {{T_ / 2, holeB(0), -zSolid}, true, "upright beside a hole"},
                {{holeA(0), T_ / 2, 0}, false, "hole in the base leg"},
                {{T_ / 2, holeB(0), 0}, false, "hole in the upright"},
                {{T_ + fillet_ * 0.2f, T_ + fillet_ * 0.2f, 0}, true, "corner fillet"},
                {{La_ * 0.75f, Lb_ * 0.75f, 0}, false, "between the legs"}};
    }

private:
    float holeA(int i) const { return T_ + fillet_ + pitchA_ * (float(i) + 0.5f); }
    float holeB(int i) const { return T_ + fillet_ + pitchB_ * (float(i) + 0.5f); }
    static sdf::ProfilePolygon lProfile(const ShapeParams& p) {
        const float La = float(p[0]), Lb = float(p[1]), T = float(p[3]), f = float(p[4]);
        // Counter-clockwise in (x, y), extruded along z (not revolved).
        std::vector<Point2> v{{0, 0}, {La, 0}, {La, T}, {T + f, T}};
        for (int i = 1; i < 8; ++i) {  // fillet arc centred at (T + f, T + f)
            const float a = -kPi / 2 - kPi / 2 * float(i) / 8;
            v.push_back({T + f + f * std::cos(a), T + f + f * std::sin(a)});
        }
        v.push_back({T, T + f});
        v.push_back({T, Lb});
        v.push_back({0, Lb});
        return sdf::ProfilePolygon(std::move(v), sdf::ProfilePolygon::Revolved::No);
    }

    float La_, Lb_, W_, T_, fillet_;
    int holes_;
    float round_;
    sdf::ProfilePolygon profile_;
    float pitchA_ = 0, pitchB_ = 0, holeR_ = 0;
};

std::unique_ptr<ShapeFamily> bracketFamily() {
    return tableFamily<BracketShape>(
        "bracket", "Angle bracket: L-profile with filleted corner and holes",
        {mm("base_length", 60, 110, "length of the horizontal leg (x)"),
         mm("upright_length", 50, 100, "length of the vertical leg (y)"),
         mm("width", 30, 60, "extrusion width (z)"),
         mm("thickness", 6, 12, "plate thickness"),
         mm("fillet_radius", 3, 15, "inner corner fillet"),
         mm("hole_radius", 3, 6,
            "hole radius (limited to 0.3 of hole pitch and width)"),
         count("holes_per_leg", 1, 3, "holes in each leg"),
         mm("edge_rounding", 0.5, 2.5, "radius of all outer edges")});
}

// ---------------------------------------------------------------------------------------------
// Flange: chamfered disc with a raised hub, through bore and a bolt-hole circle.
class FlangeShape final : public ShapeFamily::WorldShape {
public:
    explicit FlangeShape(const ShapeParams& p)
        : R_(float(p[0])), T_(float(p[1])), hub_(float(p[2] * p[0])), hubH_(float(p[3])),
          bore_(float(p[4] * p[2] * p[0])), bolts_(int(p[5])), body_(profile(p)) {
        pcd_ = hub_ + float(p[7]) * (R_ - hub_);
        const float pitch = 2 * pcd_ * std::sin(kPi / float(bolts_));
        boltR_ = std::min({float(p[6]), 0.3f * (R_ - hub_), 0.3f * pitch});
    }
    float distance(Point3 p) const override {
        const float d = body_.distance(sdf::revolve(p));
        const Point3 s = sdf::repeatAroundY(p, bolts_);
        return sdf::subtract(d, sdf::length(s.x - pcd_, s.z) - boltR_);
    }
    ShapeFamily::Bounds bounds() const override { return revolvedBounds(R_, 0, T_ + hubH_); }
    std::vector<ShapeProbe> probes() const override {
        const float a = kPi / float(bolts_);
        return {{{pcd_ * std::cos(a), T_ / 2, pcd_ * std::sin(a)}, true, "disc between bolt holes"},
                {{pcd_, T_ / 2, 0}, false, "bolt hole"},
                {{0, T_ / 2, 0}, false, "bore"},
                {{(hub_ + bore_) / 2, T_ + hubH_ / 2, 0}, true, "hub wall"},
                {{(hub_ + R_) / 2, T_ + hubH_ / 2 + 1, 0}, false, "above the disc"},
                {{R_ + 10, T_ / 2, 0}, false, "beside the flange"}};
    }

private:
    static sdf::ProfilePolygon profile(const ShapeParams& p) {
        const float R = float(p[0]), T = float(p[1]), hub = float(p[2] * p[0]);
        const float hubH = float(p[3]), bore = float(p[4] * p[2] * p[0]), c = float(p[8]);
        return sdf::ProfilePolygon({{bore, 0}, {R - c, 0}, {R, c}, {R, T - c}, {R - c, T},
                                    {hub, T}, {hub, T + hubH - c}, {hub - c, T + hubH},
                                    {bore, T + hubH}});
    }

    float R_, T_, hub_, hubH_, bore_;
    int bolts_;
    sdf::ProfilePolygon body_;
    float pcd_ = 0, boltR_ = 0;
};

std::unique_ptr<ShapeFamily> flangeFamily() {
    return tableFamily<FlangeShape>(
        "flange", "Pipe flange: disc with raised hub, bore and bolt circle",
        {mm("outer_radius", 40, 80, "disc radius"),
         mm("thickness", 8, 16, "disc thickness"),
         ratio("hub_radius_ratio", 0.35, 0.55, "hub radius / disc radius"),
         mm("hub_height", 8, 25, "hub height above the disc"),
         ratio("bore_radius_ratio", 0.45, 0.75, "bore radius / hub radius"),
         count("bolt_count", 3, 8, "number of bolt holes"),
         mm("bolt_hole_radius", 4, 8,
            "bolt hole radius (limited to 0.3 of the ring width and pitch)"),
         ratio("bolt_circle_ratio", 0.4, 0.6,
               "bolt circle position between hub (0) and rim (1)"),
         mm("chamfer", 0.5, 2.5, "chamfer on disc and hub edges")});
}

}  // namespace

const std::vector<std::unique_ptr<ShapeFamily>>& shapeFamilies() {
    static const std::vector<std::unique_ptr<ShapeFamily>> families = [] {
        std::vector<std::unique_ptr<ShapeFamily>> f;
        f.push_back(bottleFamily());
        f.push_back(vaseFamily());
        f.push_back(mugFamily());
        f.push_back(bowlFamily());
        f.push_back(lampShadeFamily());
        f.push_back(knobFamily());
        f.push_back(bracketFamily());
        f.push_back(flangeFamily());
        return f;
    }();
    return families;
}

}  // namespace lf
