#pragma once
// The shape design space of one window: which model is loaded, the design (latent + undo
// stack), favourites, and the decode worker thread that turns designs into meshes for the
// window's MeshDocument. Panels and reactions talk to this object only.
//
// Threads: the ShapeModel is loaded by a ShapeDecodeWorker on a QThread owned here; encodes run
// on a second thread (ShapeEncodeWorker) with the same model, so the view keeps following the
// sliders during an encode's seconds of refinement. Requests carry increasing ids; results come
// back as queued signals and are filtered here on the GUI thread: a result older than the last
// shown one, or older than the last full-resolution request, is dropped (while dragging, newer
// coarse results may still show; after release only the final).
#include "core/geometry/ShapeMeshing.h"
#include "core/ml/LatentMath.h"
#include "ui/ShapeDecodeWorker.h"
#include "ui/ShapeEncodeWorker.h"

#include <QObject>
#include <QStringList>

#include <filesystem>
#include <vector>

class QThread;

namespace lf::ui {

class MeshDocument;
class ShapeDesign;

struct Favourite {
    QString name;
    ml::Latent latent;
    double scale = kDefaultDesignScale;  // its size: millimetres per model unit
};

class ShapeExplorer : public QObject {
    Q_OBJECT
public:
    explicit ShapeExplorer(MeshDocument* document, QObject* parent = nullptr);
    ~ShapeExplorer() override;

    ShapeDesign* design() const { return design_; }
    MeshDocument* document() const { return document_; }
    ShapeDecodeWorker* worker() const { return worker_; }

    // Search folders for model packages (ModelLocator order); tests override them.
    void setSearchPaths(std::vector<std::filesystem::path> paths);
    const std::vector<std::filesystem::path>& searchPaths() const { return searchPaths_; }
    // Loads models/shapes-default from the search paths, or reports that none was found.
    void loadDefaultModel();
    void loadModel(const QString& directory);

    bool hasModel() const { return modelLoaded_; }
    const ShapeModelInfo& model() const { return model_; }
    QString modelError() const { return modelError_; }
    // Full-resolution decodes (the model's grid, at least 64^3) and the coarse interactive one.
    int fullResolution() const;
    int coarseResolution() const;

    // Decodes the current design (coarse when interactive).
    void requestDecode(bool interactive);
    // Decodes any latent (tests, interpolation preview) as the shown shape.
    quint64 requestDecodeOf(const ml::Latent& latent, int resolution);
    // The last shape shown in the document.
    const DecodedShape& lastShape() const { return lastShape_; }

    // Encodes a mesh file, read as the document reads files (MeshDocument::importOptions); on
    // success its latent becomes the design and the input is shown
    // beside the reconstruction (encodedInput()). A running encode is superseded (it ends
    // cancelled). encodeProgress follows each refinement step, encodeFinished the end.
    void encodeMesh(const QString& path);
    // Stops the running encode within one refinement step; the design stays as it was.
    void cancelEncode();
    bool isEncoding() const { return encoding_; }
    // The refinement an encode runs (ml::kDefaultRefinement; tests lengthen it).
    void setEncodeRefinement(const ml::LatentRefinement& refinement) { encodeRefinement_ = refinement; }
    std::shared_ptr<const Mesh> encodedInput() const { return encodedInput_; }

    // Thumbnails of `latents` and their body counts, from full-resolution decodes (the meshes an
    // export of each would write); thumbnailsReady follows.
    quint64 requestThumbnails(const std::vector<ml::Latent>& latents, QSize size);

    void addFavourite(const QString& name = {});
    const QList<Favourite>& favourites() const { return favourites_; }

Q_SIGNALS:
    void modelLoading(const QString& directory);
    void modelChanged();
    void modelFailed(const QString& message);
    // A decoded shape went to the document (which shows it and computes its report).
    void shapeDecoded(const lf::ui::DecodedShape& shape);
    void decodeFailed(const QString& message);
    void encodeStarted(const QString& path);
    void encodeProgress(int done, int steps);
    // Also when it failed (error) or was cancelled (cancelled); isEncoding() is false by then.
    void encodeFinished(const lf::ui::EncodedMesh& result);
    void thumbnailsReady(const lf::ui::ThumbnailStrip& strip);
    void favouritesChanged();

private:
    void onModelLoaded(const ShapeModelInfo& info, int generation);
    void onModelFailed(const QString& directory, const QString& message, int generation);
    void onDecoded(const DecodedShape& shape);
    void onEncoded(const EncodedMesh& result);

    MeshDocument* document_;
    ShapeDesign* design_;
    QThread* thread_;
    ShapeDecodeWorker* worker_;
    QThread* encodeThread_;
    ShapeEncodeWorker* encodeWorker_;
    ml::LatentRefinement encodeRefinement_ = ml::kDefaultRefinement;
    bool encoding_ = false;
    std::vector<std::filesystem::path> searchPaths_;
    ShapeModelInfo model_;
    bool modelLoaded_ = false;
    QString modelError_;
    // Every load request gets a generation; the worker tags results with the generation of the
    // model it holds. A failed load leaves the previous model working.
    int requestedGeneration_ = 0;
    int loadedGeneration_ = 0;
    quint64 nextRequestId_ = 0;
    quint64 lastShownId_ = 0;
    quint64 lastFinalId_ = 0;
    quint64 lastEncodeId_ = 0;
    bool firstShapeOfModel_ = true;
    DecodedShape lastShape_;
    std::shared_ptr<const Mesh> encodedInput_;
    QList<Favourite> favourites_;
};

}  // namespace lf::ui
