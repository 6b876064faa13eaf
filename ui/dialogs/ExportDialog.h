#pragma once
// Export choices: file, format (from lf::exportFormats()), STL ASCII/binary, length unit.
#include "ui/ExportSettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace lf::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(QWidget* parent = nullptr);

    // `basePath` without extension; the format's extension is added (and kept in step).
    void setInitialChoice(const QString& basePath, ExportFormat format, LengthUnit unit);
    ExportSettings settings() const;

private:
    void browse();
    void onFormatChanged();
    ExportFormat selectedFormat() const;

    QLineEdit* pathEdit_;
    QComboBox* formatCombo_;
    QCheckBox* asciiCheck_;
    QComboBox* unitCombo_;
};

}  // namespace lf::ui
