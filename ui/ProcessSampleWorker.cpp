#include "ui/ProcessSampleWorker.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <QThread>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace lf::ui {

namespace {

enum EndKind { Cancelled = 0, Failed = 1, SweepDone = 2, SweepCancelled = 3, LoadFailed = 4, Idle = 5 };

struct Job {
    quint64 id = 0;
    quint64 sweepId = 0;  // 0: interactive
    int cell = -1;
    int cells = 0;
    ml::ProcessSampleRequest request;
};

}  // namespace

QImage toQImage(const process::ImageU8& image) {
    QImage out(image.width, image.height, QImage::Format_RGB888);
    for (int y = 0; y < image.height; ++y) {
        std::copy_n(image.pixels.data() + std::size_t(y) * std::size_t(image.width) * 3,
                    std::size_t(image.width) * 3, out.scanLine(y));
    }
    return out;
}

struct ProcessSampleWorker::State {
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    std::optional<std::pair<std::string, std::string>> pendingLoad;  // directory, device
    bool loading = false;
    std::shared_ptr<const ml::ProcessModel> model;
    std::optional<Job> interactive;  // only the latest waits
    std::deque<Job> sweeps;
    std::optional<Job> running;
    std::atomic<bool> cancel{false};
    quint64 nextId = 0;
    // GUI-thread bookkeeping (read by the delivery slots; written under the mutex).
    std::atomic<quint64> latestInteractive{0};
    std::atomic<quint64> interactiveCancelledUpTo{0};
    std::set<quint64> cancelledSweeps;
};

ProcessSampleWorker::ProcessSampleWorker(int threads, WorkerPriority priority, QObject* parent)
    : QObject(parent), state_(std::make_shared<State>()),
      threads_(threads > 0 ? threads : std::max(1, QThread::idealThreadCount() - 1)), priority_(priority) {
    qRegisterMetaType<lf::ui::ProcessSampleOutput>();
    qRegisterMetaType<lf::ui::ProcessModelInfo>();
    connect(this, &ProcessSampleWorker::deliverResult_, this, &ProcessSampleWorker::onResult, Qt::QueuedConnection);
    connect(this, &ProcessSampleWorker::deliverImages_, this, &ProcessSampleWorker::onImages, Qt::QueuedConnection);
    connect(this, &ProcessSampleWorker::deliverProgress_, this, &ProcessSampleWorker::onProgress, Qt::QueuedConnection);
    connect(this, &ProcessSampleWorker::deliverEnd_, this, &ProcessSampleWorker::onEnd, Qt::QueuedConnection);
    connect(this, &ProcessSampleWorker::deliverLoaded_, this, &ProcessSampleWorker::modelLoaded, Qt::QueuedConnection);

    auto state = state_;
    const int torchThreads = threads_;
    thread_ = QThread::create([this, state, torchThreads, priority] {
        // Lower priority for this thread and the torch pool threads it creates (Linux nice and
        // policy are per thread and inherited), so the GUI thread wins every contended core.
        if (priority == WorkerPriority::Low) {
            setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
        } else if (priority == WorkerPriority::Idle) {
            sched_param parameters{};
            pthread_setschedparam(pthread_self(), SCHED_IDLE, &parameters);
        }
        torch::set_num_threads(torchThreads);  // OpenMP's pool belongs to the thread that starts it
        std::unique_lock lock(state->mutex);
        for (;;) {
            state->wake.wait(lock, [&] {
                return state->stop || state->pendingLoad || state->interactive || !state->sweeps.empty();
            });
            if (state->stop) return;
            if (state->pendingLoad) {
                const auto [directory, device] = *state->pendingLoad;
                state->pendingLoad.reset();
                state->loading = true;
                lock.unlock();
                std::shared_ptr<const ml::ProcessModel> loaded;
                QString message;
                try {
                    loaded = std::make_shared<const ml::ProcessModel>(ml::ProcessModel::load(directory, device));
                } catch (const std::exception& e) {
                    message = QString::fromStdString(e.what());
                }
                lock.lock();
                state->loading = false;
                state->model = loaded;
                if (loaded) {
                    Q_EMIT deliverLoaded_({QString::fromStdString(loaded->manifest().id),
                                           QString::fromStdString(loaded->deviceName()), loaded->samplingDefaults(),
                                           ml::storedFidelity(loaded->manifest().metrics), loaded->simulatorRevision()});
                } else {
                    Q_EMIT deliverEnd_(0, 0, LoadFailed, message);
                }
                continue;
            }
            Job job;
            if (state->interactive) {
                job = std::move(*state->interactive);
                state->interactive.reset();
            } else {
                job = std::move(state->sweeps.front());
                state->sweeps.pop_front();
            }
            state->running = job;
            state->cancel = false;
            auto model = state->model;
            lock.unlock();

            std::optional<ml::ProcessSampleResult> result;
            QString failure;
            if (!model) {
                failure = QStringLiteral("No what-if model is loaded.");
            } else {
                try {
                    job.request.previews = job.sweepId == 0;
                    result = model->sample(
                        job.request,
                        [&](const ml::ProcessSampleProgress& p) {
                            QImage image;
                            if (p.previews && !p.previews->empty()) image = toQImage(p.previews->front());
                            Q_EMIT deliverProgress_(job.id, job.sweepId, p.step, p.steps, image);
                            if (p.finished && job.sweepId == 0) {
                                ProcessSampleOutput done;
                                done.id = job.id;
                                for (const auto& finished : *p.finished) done.images.push_back(toQImage(finished));
                                done.metadata = *p.finishedMetadata;
                                Q_EMIT deliverImages_(done, p.firstFinished);
                            }
                            return !state->cancel.load();
                        },
                        &state->cancel);
                } catch (const std::exception& e) {
                    failure = QString::fromStdString(e.what());
                }
            }

            lock.lock();
            state->running.reset();
            const bool sweepCancelled = job.sweepId != 0 && state->cancelledSweeps.count(job.sweepId) != 0;
            if (!failure.isEmpty()) {
                Q_EMIT deliverEnd_(job.id, job.sweepId, Failed, failure);
            } else if (result->cancelled || sweepCancelled) {
                Q_EMIT deliverEnd_(job.id, job.sweepId, Cancelled, {});
            } else {
                ProcessSampleOutput output;
                output.id = job.id;
                for (const auto& image : result->images) output.images.push_back(toQImage(image));
                output.metadata = std::move(result->metadata);
                output.outOfRange = std::move(result->outOfRange);
                output.elapsedSeconds = result->elapsedSeconds;
                Q_EMIT deliverResult_(output, job.sweepId, job.cell);
            }
            if (job.sweepId != 0) {
                const bool last = job.cell + 1 == job.cells;
                if (!failure.isEmpty() || sweepCancelled || (result && result->cancelled)) {
                    // The rest of a failed or cancelled sweep is dropped.
                    std::erase_if(state->sweeps, [&](const Job& j) { return j.sweepId == job.sweepId; });
                    if (!sweepCancelled) state->cancelledSweeps.insert(job.sweepId);
                    Q_EMIT deliverEnd_(job.id, job.sweepId, SweepCancelled, {});
                } else if (last) {
                    Q_EMIT deliverEnd_(job.id, job.sweepId, SweepDone, {});
                }
            }
            if (!state->interactive && state->sweeps.empty()) Q_EMIT deliverEnd_(0, 0, Idle, {});
        }
    });
    thread_->setObjectName(QStringLiteral("what-if sampler"));
    thread_->start(priority == WorkerPriority::Normal ? QThread::InheritPriority : QThread::LowPriority);
}

ProcessSampleWorker::~ProcessSampleWorker() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stop = true;
        state_->cancel = true;
        state_->interactive.reset();
        state_->sweeps.clear();
    }
    state_->wake.notify_all();
    thread_->wait();
    delete thread_;
}

void ProcessSampleWorker::loadModel(const QString& packageDirectory, const QString& device) {
    {
        std::lock_guard lock(state_->mutex);
        state_->pendingLoad = std::make_pair(packageDirectory.toStdString(), device.toStdString());
    }
    state_->wake.notify_all();
}

bool ProcessSampleWorker::hasModel() const {
    std::lock_guard lock(state_->mutex);
    return state_->model != nullptr;
}

bool ProcessSampleWorker::isBusy() const {
    std::lock_guard lock(state_->mutex);
    return state_->running || state_->interactive || !state_->sweeps.empty() || state_->pendingLoad ||
           state_->loading;
}

quint64 ProcessSampleWorker::requestInteractive(const ml::ProcessSampleRequest& request) {
    quint64 id = 0;
    {
        std::lock_guard lock(state_->mutex);
        id = ++state_->nextId;
        state_->latestInteractive = id;
        state_->interactive = Job{id, 0, -1, 0, request};
        if (state_->running && state_->running->sweepId == 0) state_->cancel = true;  // superseded
    }
    state_->wake.notify_all();
    Q_EMIT busyChanged(true);
    return id;
}

quint64 ProcessSampleWorker::queueSweep(const std::vector<ml::ProcessSampleRequest>& cells) {
    if (cells.empty()) throw Error("what-if sweep: no cells");
    quint64 sweepId = 0;
    {
        std::lock_guard lock(state_->mutex);
        sweepId = ++state_->nextId;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            state_->sweeps.push_back(Job{++state_->nextId, sweepId, int(i), int(cells.size()), cells[i]});
        }
    }
    state_->wake.notify_all();
    Q_EMIT busyChanged(true);
    return sweepId;
}

void ProcessSampleWorker::cancelInteractive() {
    std::lock_guard lock(state_->mutex);
    state_->interactiveCancelledUpTo = state_->nextId;
    if (state_->interactive) {
        const auto id = state_->interactive->id;
        state_->interactive.reset();
        QMetaObject::invokeMethod(this, [this, id] { Q_EMIT requestCancelled(id); }, Qt::QueuedConnection);
    }
    if (state_->running && state_->running->sweepId == 0) state_->cancel = true;
}

void ProcessSampleWorker::cancelSweep(quint64 sweepId) {
    std::lock_guard lock(state_->mutex);
    if (!state_->cancelledSweeps.insert(sweepId).second) return;
    const bool queued = std::erase_if(state_->sweeps, [&](const Job& j) { return j.sweepId == sweepId; }) > 0;
    if (state_->running && state_->running->sweepId == sweepId) {
        state_->cancel = true;  // the worker reports the end
    } else if (queued) {
        QMetaObject::invokeMethod(this, [this, sweepId] { Q_EMIT sweepFinished(sweepId, true); }, Qt::QueuedConnection);
    }
}

void ProcessSampleWorker::cancelAll() {
    cancelInteractive();
    std::vector<quint64> sweeps;
    {
        std::lock_guard lock(state_->mutex);
        for (const auto& j : state_->sweeps) sweeps.push_back(j.sweepId);
        if (state_->running && state_->running->sweepId != 0) sweeps.push_back(state_->running->sweepId);
    }
    std::sort(sweeps.begin(), sweeps.end());
    sweeps.erase(std::unique(sweeps.begin(), sweeps.end()), sweeps.end());
    for (const auto s : sweeps) cancelSweep(s);
}

bool ProcessSampleWorker::isCurrent(quint64 id, quint64 sweepId) const {
    if (sweepId != 0) {
        std::lock_guard lock(state_->mutex);
        return state_->cancelledSweeps.count(sweepId) == 0;
    }
    return id == state_->latestInteractive.load() && id > state_->interactiveCancelledUpTo.load();
}

void ProcessSampleWorker::onResult(const ProcessSampleOutput& output, quint64 sweepId, int cell) {
    if (!isCurrent(output.id, sweepId)) return;  // superseded or cancelled after it finished
    if (sweepId != 0) {
        Q_EMIT sweepCellReady(sweepId, cell, output);
    } else {
        Q_EMIT resultReady(output);
    }
}

void ProcessSampleWorker::onImages(const ProcessSampleOutput& output, int firstIndex) {
    if (isCurrent(output.id, 0)) Q_EMIT imagesReady(output, firstIndex);  // superseded: nothing
}

void ProcessSampleWorker::onProgress(quint64 id, quint64 sweepId, int step, int steps, const QImage& image) {
    if (!isCurrent(id, sweepId)) return;  // a superseded request reports nothing
    Q_EMIT progress(id, step, steps);
    if (!image.isNull()) Q_EMIT preview(id, image);
}

void ProcessSampleWorker::onEnd(quint64 id, quint64 sweepId, int kind, const QString& message) {
    switch (kind) {
    case LoadFailed: Q_EMIT modelLoadFailed(message); break;
    case Cancelled: Q_EMIT requestCancelled(id); break;
    case Failed: Q_EMIT requestFailed(id, message); break;
    case SweepDone: Q_EMIT sweepFinished(sweepId, false); break;
    case SweepCancelled: Q_EMIT sweepFinished(sweepId, true); break;
    case Idle:
        if (!isBusy()) Q_EMIT busyChanged(false);
        break;
    default: break;
    }
}

}  // namespace lf::ui
