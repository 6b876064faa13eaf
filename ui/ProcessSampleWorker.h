#pragma once
// Background what-if sampling: owns a ProcessModel on its own thread and answers requests
// without ever blocking the GUI thread.
//
// Two kinds of work:
//   interactive  the latest request wins: a new one cancels the running interactive request
//                (within one DDIM step) and replaces any waiting one; a superseded request never
//                delivers a result (its id is checked again on the GUI thread, after the queue).
//                On the CPU its images come one by one (imagesReady) before the whole result.
//   sweep        a list of cells queued as a whole; each cell is one sample batch, delivered in
//                order; cancelSweep() drops the rest. Waiting interactive requests run between
//                cells, so the sliders stay responsive during a sweep.
// The model is loaded on the worker thread; a failing load emits modelLoadFailed.
// The worker thread runs at a low priority (nice +10) with one torch thread fewer than the
// cores, so the GUI thread keeps a core for itself (see tests/bench/bench_whatif_responsiveness).
#include "core/ml/ProcessDiffusionEval.h"
#include "core/ml/ProcessModel.h"

#include <QImage>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace lf::ui {

// One finished sample batch, ready for the GUI.
struct ProcessSampleOutput {
    quint64 id = 0;                                  // the request's id
    std::vector<QImage> images;                      // one per seed (RGB888)
    std::vector<ml::ProcessSampleMetadata> metadata; // one per image
    std::vector<process::RangeViolation> outOfRange;
    double elapsedSeconds = 0;
};

// What the panel shows of a loaded model.
struct ProcessModelInfo {
    QString id, device;
    ml::ProcessSampling sampling;  // the package's defaults
    ml::StoredFidelity fidelity;   // its stored evaluation, per effect
    std::optional<int> simulatorRevision;  // of its training images (ProcessModel::simulatorRevision)
};

QImage toQImage(const process::ImageU8& image);

// Scheduling of the worker thread and the torch threads it starts (Linux: per thread, inherited).
enum class WorkerPriority {
    Normal,  // as the GUI thread
    Low,     // nice +10: the GUI thread wins contended cores, the worker still gets a fair share
    Idle,    // SCHED_IDLE: runs only on otherwise idle cores (may stall behind other busy programs)
};

class ProcessSampleWorker : public QObject {
    Q_OBJECT
public:
    // threads: torch intra-op threads on the worker (0: cores - 1, at least 1).
    explicit ProcessSampleWorker(int threads = 0, WorkerPriority priority = WorkerPriority::Low,
                                 QObject* parent = nullptr);
    // Cancels everything and joins the thread.
    ~ProcessSampleWorker() override;

    // Loads (replacing any loaded model) on the worker thread; emits modelLoaded or
    // modelLoadFailed. Requests made before the load finishes wait for it.
    void loadModel(const QString& packageDirectory, const QString& device = QStringLiteral("auto"));
    bool hasModel() const;

    // Returns the request's id (increasing). Supersedes every earlier interactive request.
    quint64 requestInteractive(const ml::ProcessSampleRequest& request);
    // Queues a sweep; returns its id. Cells are delivered as sweepCellReady(id, index, ...).
    quint64 queueSweep(const std::vector<ml::ProcessSampleRequest>& cells);
    void cancelInteractive();
    void cancelSweep(quint64 sweepId);  // that sweep only (running cell within one step)
    void cancelAll();
    bool isBusy() const;

    int torchThreads() const { return threads_; }
    WorkerPriority priority() const { return priority_; }

Q_SIGNALS:
    void modelLoaded(const lf::ui::ProcessModelInfo& info);
    void modelLoadFailed(const QString& message);
    void progress(quint64 id, int step, int steps);  // interactive requests and sweep cells
    void preview(quint64 id, const QImage& image);   // x0 estimate of the first seed
    // Images of an interactive request that are done before the rest (on the CPU each image
    // is sampled alone): output.images are the request's images from `firstIndex` on.
    // resultReady still follows with all of them.
    void imagesReady(const lf::ui::ProcessSampleOutput& output, int firstIndex);
    void resultReady(const lf::ui::ProcessSampleOutput& output);
    void requestCancelled(quint64 id);
    void requestFailed(quint64 id, const QString& message);
    void sweepCellReady(quint64 sweepId, int index, const lf::ui::ProcessSampleOutput& output);
    void sweepFinished(quint64 sweepId, bool cancelled);
    void busyChanged(bool busy);

    // Internal: worker thread -> GUI thread, filtered there against supersession.
    void deliverResult_(const lf::ui::ProcessSampleOutput& output, quint64 sweepId, int cell);
    void deliverImages_(const lf::ui::ProcessSampleOutput& output, int firstIndex);
    void deliverProgress_(quint64 id, quint64 sweepId, int step, int steps, const QImage& preview);
    void deliverEnd_(quint64 id, quint64 sweepId, int kind, const QString& message);
    void deliverLoaded_(const lf::ui::ProcessModelInfo& info);

private:
    void onResult(const ProcessSampleOutput& output, quint64 sweepId, int cell);
    void onImages(const ProcessSampleOutput& output, int firstIndex);
    void onProgress(quint64 id, quint64 sweepId, int step, int steps, const QImage& preview);
    void onEnd(quint64 id, quint64 sweepId, int kind, const QString& message);
    bool isCurrent(quint64 id, quint64 sweepId) const;

    struct State;
    std::shared_ptr<State> state_;
    int threads_;
    WorkerPriority priority_;
    class QThread* thread_ = nullptr;
};

}  // namespace lf::ui

Q_DECLARE_METATYPE(lf::ui::ProcessSampleOutput)
Q_DECLARE_METATYPE(lf::ui::ProcessModelInfo)
