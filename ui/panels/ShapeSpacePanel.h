#pragma once
// Dock panel for exploring a shape model: model choice, PCA direction sliders (+-3 sigma),
// truncation psi, seed (+ Random), the design's size, Reset, favourites, copy/paste/load of
// latent JSON. It edits
// the ShapeDesign (undoable) and shows the model's state or error, and its measured quality.
#include <QDockWidget>
#include <QList>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QVBoxLayout;

namespace lf {
struct StoredShapeQuality;
enum class DesignMeasure;
}

namespace lf::ui {

class ShapeExplorer;
struct DecodedShape;

class ShapeSpacePanel : public QDockWidget {
    Q_OBJECT
public:
    static constexpr int kMaxDirections = 12;
    static constexpr int kSliderStepsPerSigma = 100;  // slider value = sigmas * 100, range +-300

    explicit ShapeSpacePanel(ShapeExplorer* explorer, QWidget* parent = nullptr);

    // Test hooks.
    QList<QSlider*> directionSliders() const { return sliders_; }
    QSpinBox* seedSpinBox() const { return seedSpin_; }
    QDoubleSpinBox* psiSpinBox() const { return psiSpin_; }
    // The shown design's height (or largest dimension, measureComboBox()) in millimetres; editing
    // it sizes the design (ShapeDesign::setScale).
    QDoubleSpinBox* heightSpinBox() const { return heightSpin_; }
    QComboBox* measureComboBox() const { return measureCombo_; }
    QPushButton* randomButton() const { return randomButton_; }
    // "Any family" (data -1) or a family of the model's prior (data = its index): choosing one
    // jumps to its typical shape, and Random then draws seeds of that family only.
    QComboBox* familyComboBox() const { return familyCombo_; }
    QString familyText() const;
    QString statusText() const;
    QLabel* qualityLabel() const { return qualityLabel_; }  // the stored eval's headline figures

    // Copies the current latent as JSON to the clipboard; pastes one from it (false + message
    // in the panel when the clipboard holds no valid latent for this model).
    void copyLatent();
    bool pasteLatent();
    bool loadLatentFile(const QString& path);
    void refreshModels();

private:
    void rebuildSliders();
    void rebuildFamilies();
    void drawRandomSeed();
    void syncFromDesign();
    DesignMeasure measure() const;
    // The shown shape's size by the chosen measure, in the size field.
    void showSize(const DecodedShape& shape);
    void onSliderMoved(int index, int value);
    void showStatus(const QString& text, bool error);
    void showQuality(const StoredShapeQuality& quality);
    bool applyLatentJson(const QByteArray& text, const QString& source);

    ShapeExplorer* explorer_;
    QComboBox* modelCombo_;
    QLabel* statusLabel_;
    QLabel* qualityLabel_ = nullptr;
    QVBoxLayout* slidersLayout_;
    QList<QSlider*> sliders_;
    QList<QLabel*> sliderLabels_;
    QDoubleSpinBox* psiSpin_;
    QDoubleSpinBox* heightSpin_;
    QComboBox* measureCombo_;
    QSpinBox* seedSpin_;
    QPushButton* randomButton_;
    QComboBox* familyCombo_;
    QLabel* familyLabel_;
    int dragSerial_ = 0;  // one undo step per slider drag
};

}  // namespace lf::ui
