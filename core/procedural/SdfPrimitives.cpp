#include "core/procedural/SdfPrimitives.h"

#include <algorithm>
#include <limits>

namespace lf::sdf {
namespace {

// Squared distance from q to segment a-b.
float segmentDistanceSquared(Point2 q, Point2 a, Point2 b) {
    const float ex = b.x - a.x, ey = b.y - a.y;
    const float wx = q.x - a.x, wy = q.y - a.y;
    const float ee = ex * ex + ey * ey;
    const float h = ee > 0 ? std::clamp((wx * ex + wy * ey) / ee, 0.f, 1.f) : 0.f;
    const float dx = wx - ex * h, dy = wy - ey * h;
    return dx * dx + dy * dy;
}

}  // namespace

ProfilePolygon::ProfilePolygon(std::vector<Point2> vertices) : v_(std::move(vertices)) {
    const std::size_t n = v_.size();
    onAxis_.resize(n);
    minY_ = maxY_ = v_.empty() ? 0.f : v_[0].y;
    for (std::size_t i = 0; i < n; ++i) {
        const Point2 a = v_[i], b = v_[(i + 1) % n];
        onAxis_[i] = std::fabs(a.x) < 1e-6f && std::fabs(b.x) < 1e-6f;
        minY_ = std::min(minY_, a.y);
        maxY_ = std::max(maxY_, a.y);
        maxX_ = std::max(maxX_, a.x);
    }
}

float ProfilePolygon::distance(Point2 q) const {
    // Winding by crossing parity, distance as the nearest edge (after Inigo Quilez's sdPolygon).
    float best = std::numeric_limits<float>::max();
    bool inside = false;
    const std::size_t n = v_.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const Point2 a = v_[j], b = v_[i];
        if (!onAxis_[j]) best = std::min(best, segmentDistanceSquared(q, a, b));
        if ((b.y > q.y) != (a.y > q.y) &&
            q.x < (a.x - b.x) * (q.y - b.y) / (a.y - b.y) + b.x)
            inside = !inside;
    }
    const float d = std::sqrt(best);
    return inside ? -d : d;
}

ProfileWall::ProfileWall(std::vector<Point2> vertices, float halfThickness)
    : v_(std::move(vertices)), halfThickness_(halfThickness) {}

float ProfileWall::distance(Point2 q) const {
    float best = std::numeric_limits<float>::max();
    for (std::size_t i = 0; i + 1 < v_.size(); ++i)
        best = std::min(best, segmentDistanceSquared(q, v_[i], v_[i + 1]));
    return std::sqrt(best) - halfThickness_;
}

std::vector<Point2> catmullRom(const std::vector<Point2>& knots, int samplesPerSegment) {
    std::vector<Point2> out;
    if (knots.size() < 2) return knots;
    const std::size_t n = knots.size();
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const Point2 p0 = knots[i == 0 ? 0 : i - 1], p1 = knots[i], p2 = knots[i + 1],
                     p3 = knots[std::min(i + 2, n - 1)];
        for (int s = 0; s < samplesPerSegment; ++s) {
            const float t = float(s) / float(samplesPerSegment), t2 = t * t, t3 = t2 * t;
            auto blend = [&](float a, float b, float c, float d) {
                return 0.5f * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 +
                               (-a + 3 * b - 3 * c + d) * t3);
            };
            out.push_back({blend(p0.x, p1.x, p2.x, p3.x), blend(p0.y, p1.y, p2.y, p3.y)});
        }
    }
    out.push_back(knots.back());
    return out;
}

}  // namespace lf::sdf
