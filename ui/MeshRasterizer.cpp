#include "ui/MeshRasterizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace lf::ui {

namespace {

struct V3 {
    double x = 0, y = 0, z = 0;
};
V3 sub(V3 a, V3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
V3 cross(V3 a, V3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
double dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
V3 normalised(V3 a)
{
    const double n = std::sqrt(dot(a, a));
    return n > 0 ? V3{a.x / n, a.y / n, a.z / n} : V3{};
}

}  // namespace

QImage rasterizeMesh(const Mesh& mesh, const RasterOptions& options)
{
    const int width = std::max(1, options.size.width());
    const int height = std::max(1, options.size.height());
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(options.background);
    if (mesh.empty()) return image;

    // Camera basis: `forward` points from the eye into the scene.
    const double az = options.azimuthDegrees * std::numbers::pi / 180;
    const double el = options.elevationDegrees * std::numbers::pi / 180;
    const V3 toEye{std::cos(el) * std::sin(az), -std::cos(el) * std::cos(az), std::sin(el)};
    const V3 forward{-toEye.x, -toEye.y, -toEye.z};
    const V3 right = normalised(cross(forward, V3{0, 0, 1}));
    const V3 up = cross(right, forward);

    const BoundingBox box = mesh.bounds();
    const Vec3f c = box.center();
    const V3 centre{c[0], c[1], c[2]};
    double radius = 0;
    for (const Vec3f& p : mesh.vertices)
        radius = std::max(radius, std::sqrt(dot(sub(V3{p[0], p[1], p[2]}, centre),
                                                sub(V3{p[0], p[1], p[2]}, centre))));
    if (radius <= 0) return image;
    const double scale = 0.5 * std::min(width, height) * 0.92 / radius;

    // Screen coordinates (x right, y down) and depth (larger: farther) per vertex.
    std::vector<V3> screen(mesh.vertices.size());
    for (std::size_t i = 0; i < mesh.vertices.size(); ++i) {
        const Vec3f& p = mesh.vertices[i];
        const V3 d = sub(V3{p[0], p[1], p[2]}, centre);
        screen[i] = {width / 2.0 + dot(d, right) * scale, height / 2.0 - dot(d, up) * scale,
                     dot(d, forward)};
    }

    std::vector<double> depth(std::size_t(width) * std::size_t(height),
                              std::numeric_limits<double>::infinity());
    const V3 light = normalised(V3{toEye.x + 0.3 * right.x + 0.4 * up.x,
                                   toEye.y + 0.3 * right.y + 0.4 * up.y,
                                   toEye.z + 0.3 * right.z + 0.4 * up.z});
    for (const Triangle& t : mesh.triangles) {
        const Vec3f& p0 = mesh.vertices[t[0]];
        const Vec3f& p1 = mesh.vertices[t[1]];
        const Vec3f& p2 = mesh.vertices[t[2]];
        const V3 n = normalised(cross(V3{p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]},
                                      V3{p2[0] - p0[0], p2[1] - p0[1], p2[2] - p0[2]}));
        // Two-sided Lambert plus ambient: open or inverted surfaces still read as shapes.
        const double lambert = std::abs(dot(n, light));
        const double shade = 0.25 + 0.75 * lambert;
        const QRgb colour = qRgb(int(options.surface.red() * shade),
                                 int(options.surface.green() * shade),
                                 int(options.surface.blue() * shade));
        const V3 a = screen[t[0]], b = screen[t[1]], d = screen[t[2]];
        const double area = (b.x - a.x) * (d.y - a.y) - (b.y - a.y) * (d.x - a.x);
        if (std::abs(area) < 1e-12) continue;
        const int x0 = std::max(0, int(std::floor(std::min({a.x, b.x, d.x}))));
        const int x1 = std::min(width - 1, int(std::ceil(std::max({a.x, b.x, d.x}))));
        const int y0 = std::max(0, int(std::floor(std::min({a.y, b.y, d.y}))));
        const int y1 = std::min(height - 1, int(std::ceil(std::max({a.y, b.y, d.y}))));
        for (int y = y0; y <= y1; ++y) {
            auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
            const double py = y + 0.5;
            for (int x = x0; x <= x1; ++x) {
                const double px = x + 0.5;
                const double w0 = ((b.x - px) * (d.y - py) - (b.y - py) * (d.x - px)) / area;
                const double w1 = ((d.x - px) * (a.y - py) - (d.y - py) * (a.x - px)) / area;
                const double w2 = 1 - w0 - w1;
                if (w0 < 0 || w1 < 0 || w2 < 0) continue;
                const double z = w0 * a.z + w1 * b.z + w2 * d.z;
                double& stored = depth[std::size_t(y) * std::size_t(width) + std::size_t(x)];
                if (z >= stored) continue;
                stored = z;
                row[x] = colour;
            }
        }
    }
    return image;
}

}  // namespace lf::ui
