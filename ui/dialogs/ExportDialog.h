#pragma once
// Export choices: file, format (from lf::exportFormats()), STL ASCII/binary, length unit, up axis,
// and for an inside-out mesh whether to write it facing outward.
#include "ui/ExportSettings.h"

#include <QDialog>

#include <cstddef>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace lf::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(QWidget* parent = nullptr);

    // `basePath` without extension; the format's extension is added (and kept in step).
    void setInitialChoice(const QString& basePath, ExportFormat format, LengthUnit unit,
                          UpAxis up = UpAxis::Z);
    // `shells` of the mesh face inward (MeshReport::shellsFacingInward; `wholeMesh`: all of
    // them, MeshReport::insideOut): offers to write them facing outward, checked. 0 hides it.
    void setFacingInward(std::size_t shells, bool wholeMesh);
    ExportSettings settings() const;

private:
    void browse();
    void onFormatChanged();
    ExportFormat selectedFormat() const;

    QLineEdit* pathEdit_;
    QComboBox* formatCombo_;
    QCheckBox* asciiCheck_;
    QComboBox* unitCombo_;
    QComboBox* upCombo_;
    QCheckBox* turnOutwardCheck_;
    UpAxis chosenUp_ = UpAxis::Z;  // kept while glTF (always +y up) is selected
};

}  // namespace lf::ui
