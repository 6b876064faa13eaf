#pragma once
// "What-if" dock: set the process parameters of a moulding run in real units, sample images of
// the part from the process diffusion model (ProcessSampleWorker, in the background), browse
// them in a gallery and save them as PNG with their metadata; sweep two parameters over a grid
// and save the grid as a labelled contact sheet.
#include "core/ml/ProcessModel.h"
#include "ui/ProcessSampleWorker.h"

#include <QDockWidget>
#include <QImage>

#include <array>
#include <vector>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSlider;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace lf::ui {

class WhatIfPanel : public QDockWidget {
    Q_OBJECT
public:
    // How far beyond the training range the spin boxes and sliders go, in normalised units
    // (the range itself is [-1, 1]).
    static constexpr double kNormalisedLimit = 1.5;

    // Owns a worker unless one is given (tests pass their own, e.g. with 1 torch thread).
    explicit WhatIfPanel(QWidget* parent = nullptr, ProcessSampleWorker* worker = nullptr);
    ~WhatIfPanel() override;

    void loadModel(const QString& packageDirectory, const QString& device = QStringLiteral("auto"));
    ProcessSampleWorker* worker() const { return worker_; }

    process::ProcessParameters parameters() const;
    void setParameters(const process::ProcessParameters& parameters);
    // The parameters, first seed and sampler settings that made a result (gallery double-click).
    void useSettingsOf(const ml::ProcessSampleMetadata& metadata);
    ml::ProcessSampleRequest request() const;  // the parameters and sampling settings shown

    // Starts an interactive request (superseding any running one).
    void generate();
    void cancel();
    // X/Y sweep from the sweep controls.
    void runSweep();

    struct GalleryEntry {
        QImage image;
        ml::ProcessSampleMetadata metadata;
    };
    const std::vector<GalleryEntry>& gallery() const { return gallery_; }
    // Writes the selected gallery images (all when none is selected) into `directory` as
    // PNG with the metadata JSON under kPngMetadataKey; returns the files. Throws lf::Error.
    QStringList saveImages(const QString& directory) const;
    // The last complete sweep as a contact sheet PNG; throws lf::Error when there is none.
    void saveContactSheet(const QString& file) const;
    bool hasCompleteSweep() const;

    // Test hooks.
    QDoubleSpinBox* parameterSpinBox(process::ProcessParameter parameter) const;
    QSlider* parameterSlider(process::ProcessParameter parameter) const;
    QLabel* rangeWarningLabel() const { return rangeWarning_; }
    QLabel* statusLabel() const { return status_; }
    QLabel* fidelityLabel() const { return fidelity_; }  // the stored eval's rho per effect
    QPushButton* generateButton() const { return generateButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QProgressBar* progressBar() const { return progress_; }
    QSpinBox* firstSeedSpinBox() const { return firstSeed_; }
    QSpinBox* sampleCountSpinBox() const { return sampleCount_; }
    QSpinBox* stepsSpinBox() const { return steps_; }
    QListWidget* galleryWidget() const { return galleryList_; }
    QTableWidget* sweepTable() const { return sweepTable_; }
    QPushButton* sweepButton() const { return sweepButton_; }
    QLabel* previewLabel() const { return preview_; }
    QCheckBox* liveCheckBox() const { return live_; }
    QScrollArea* scrollArea() const { return scroll_; }
    void setSweepAxes(process::ProcessParameter x, double xLo, double xHi, int xCount,
                      process::ProcessParameter y, double yLo, double yHi, int yCount);

Q_SIGNALS:
    void galleryChanged();
    void sweepCompleted();

private:
    struct ParameterRow {
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
    };
    struct SweepAxis {
        QComboBox* parameter = nullptr;
        QDoubleSpinBox* lo = nullptr;
        QDoubleSpinBox* hi = nullptr;
        QSpinBox* count = nullptr;
    };
    QWidget* buildParameters();
    QWidget* buildSampling();
    QWidget* buildGallery();
    QWidget* buildSweep();
    void onSliderMoved(std::size_t index, int position);
    void onSpinChanged(std::size_t index, double value);
    void updateRangeWarning();
    // The stored eval's figures, and a caution when the model learnt from or was measured against
    // another revision of the simulator than this build's.
    void showFidelity(const ProcessModelInfo& info);
    void setRunning(bool running);
    void onResult(const ProcessSampleOutput& output);
    void addToGallery(const ProcessSampleOutput& output, int firstIndex);
    void showLarge(const QImage& image);
    void onSweepCell(quint64 sweepId, int index, const ProcessSampleOutput& output);
    void onSweepFinished(quint64 sweepId, bool cancelled);
    void updateSweepAxisRange(SweepAxis& axis);
    void saveImagesInteractively();
    void saveContactSheetInteractively();

    ProcessSampleWorker* worker_;
    std::array<ParameterRow, process::kParameterCount> rows_{};
    QLabel* status_;
    QLabel* fidelity_ = nullptr;
    QLabel* rangeWarning_ = nullptr;
    QSpinBox* firstSeed_ = nullptr;
    QSpinBox* sampleCount_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QDoubleSpinBox* guidance_ = nullptr;
    QDoubleSpinBox* eta_ = nullptr;
    QCheckBox* live_ = nullptr;
    QTimer* liveTimer_ = nullptr;
    QPushButton* generateButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QPushButton* saveButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    QGroupBox* resultsBox_ = nullptr;
    QLabel* preview_ = nullptr;
    QListWidget* galleryList_ = nullptr;
    std::vector<GalleryEntry> gallery_;  // same order as galleryList_ rows
    quint64 currentRequest_ = 0;
    int shownOfCurrent_ = 0;  // the current request's images already in the gallery

    SweepAxis sweepX_, sweepY_;
    QPushButton* sweepButton_ = nullptr;
    QPushButton* sweepCancelButton_ = nullptr;
    QPushButton* sweepSaveButton_ = nullptr;
    QTableWidget* sweepTable_ = nullptr;
    QLabel* sweepAxes_ = nullptr;  // which parameter runs along which axis
    quint64 currentSweep_ = 0;
    struct Sweep {
        process::ProcessParameter x{}, y{};
        std::vector<double> xValues, yValues;
        std::vector<std::vector<GalleryEntry>> cells;  // [row][column], filled as they arrive
        int done = 0;
    } sweep_;
};

}  // namespace lf::ui
