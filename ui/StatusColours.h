#pragma once
// The app's two status colours in one place: caution (a value under its target, a step that
// would print as several parts, a parameter outside the training range) and error.
#include <QString>

namespace lf::ui {

inline constexpr const char* kCautionColour = "#b9770e";  // amber
inline constexpr const char* kErrorColour = "#c0392b";    // red

// Rich text: `text` in bold caution colour.
inline QString cautionText(const QString& text)
{
    return QStringLiteral("<b style=\"color:%1\">%2</b>").arg(QLatin1String(kCautionColour), text);
}
// A widget style sheet with the colour as the text colour.
inline QString textColourStyle(const char* colour, bool bold = false)
{
    return QStringLiteral("color: %1;%2").arg(QLatin1String(colour), bold ? QStringLiteral(" font-weight: bold;") : QString());
}

}  // namespace lf::ui
