#pragma once
// What the user chose in the export dialog: format, STL encoding, the length unit, the up axis
// of the file, and whether an inside-out mesh is written facing outward.
#include "core/io/MeshExport.h"

#include <QString>

namespace lf::ui {

// Mesh coordinates are millimetres; the file may be written in another unit.
enum class LengthUnit { Millimetre, Centimetre, Metre, Inch };

inline float scaleFromMillimetres(LengthUnit unit)
{
    switch (unit) {
    case LengthUnit::Millimetre: return 1.0f;
    case LengthUnit::Centimetre: return 0.1f;
    case LengthUnit::Metre: return 0.001f;
    case LengthUnit::Inch: return 1.0f / 25.4f;
    }
    return 1.0f;
}

inline QString unitSymbol(LengthUnit unit)
{
    switch (unit) {
    case LengthUnit::Millimetre: return QStringLiteral("mm");
    case LengthUnit::Centimetre: return QStringLiteral("cm");
    case LengthUnit::Metre: return QStringLiteral("m");
    case LengthUnit::Inch: return QStringLiteral("in");
    }
    return QStringLiteral("mm");
}

inline LengthUnit unitFromSymbol(const QString& symbol)
{
    for (LengthUnit u : {LengthUnit::Millimetre, LengthUnit::Centimetre, LengthUnit::Metre,
                         LengthUnit::Inch})
        if (unitSymbol(u) == symbol) return u;
    return LengthUnit::Millimetre;
}

struct ExportSettings {
    QString path;
    ExportFormat format = ExportFormat::StlBinary;
    LengthUnit unit = LengthUnit::Millimetre;
    // The file's up axis for STL, OBJ and PLY; glTF is always +y up (its specification).
    UpAxis up = UpAxis::Z;
    // Write the mesh with its inward-facing shells turned round (orientShellsOutward): offered
    // for a mesh whose report finds shells facing inward. The document keeps its mesh as it is.
    bool turnOutward = false;

    ExportOptions options() const
    {
        ExportOptions o;
        o.scale = scaleFromMillimetres(unit);
        o.ascii = format == ExportFormat::StlAscii;
        if (conventionalUpAxis(format) == UpAxis::Z) o.fileUpAxis = up;
        return o;
    }
};

}  // namespace lf::ui
