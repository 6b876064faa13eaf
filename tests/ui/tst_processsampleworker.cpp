// ProcessSampleWorker: progress, cancel, supersession, sweeps queueing in order, load failures.
#include "TinyProcessModel.h"

#include "ui/ProcessSampleWorker.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace lf;
using namespace lf::ui;

namespace {

ml::ProcessSampleRequest makeRequest(int steps, int seeds = 1) {
    ml::ProcessSampleRequest r;
    r.parameters = process::ProcessParameters::nominal();
    r.seeds.clear();
    for (int i = 0; i < seeds; ++i) r.seeds.push_back(std::uint64_t(10 + i));
    r.sampling.steps = steps;
    r.sampling.guidance = 2.0;
    r.previews = true;
    return r;
}

}  // namespace

class TestProcessSampleWorker : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString package_;

    bool load(ProcessSampleWorker& worker, const QString& package) {
        QSignalSpy loaded(&worker, &ProcessSampleWorker::modelLoaded);
        worker.loadModel(package, QStringLiteral("cpu"));
        return loaded.wait(60000) || loaded.count() == 1;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        package_ = dir_.filePath(QStringLiteral("tiny"));
        lf::test::makeTinyProcessModel(package_);
        QVERIFY(QFile::exists(package_ + QStringLiteral("/model.json")));
    }

    void progressIsMonotonicAndReachesTheEndWithMetadata() {
        ProcessSampleWorker worker(1);
        QVERIFY(load(worker, package_));
        QVERIFY(worker.hasModel());
        QList<int> steps;
        int previews = 0;
        connect(&worker, &ProcessSampleWorker::progress, this, [&](quint64, int step, int total) {
            QCOMPARE(total, 24);  // two images, one after the other on the CPU
            steps << step;
        });
        QList<int> early;  // images handed over before the result, by index
        std::vector<QImage> earlyImages;
        connect(&worker, &ProcessSampleWorker::imagesReady, this, [&](const ProcessSampleOutput& o, int first) {
            QCOMPARE(int(o.images.size()), 1);
            QCOMPARE(o.metadata.front().seed, std::uint64_t(10 + first));
            early << first;
            earlyImages.push_back(o.images.front());
        });
        connect(&worker, &ProcessSampleWorker::preview, this, [&](quint64, const QImage& image) {
            QCOMPARE(image.size(), QSize(64, 64));
            ++previews;
        });
        QSignalSpy results(&worker, &ProcessSampleWorker::resultReady);
        QSignalSpy idle(&worker, &ProcessSampleWorker::busyChanged);
        const auto id = worker.requestInteractive(makeRequest(12, 2));
        QVERIFY(results.wait(60000));
        QCOMPARE(steps.size(), 24);
        for (int i = 0; i < steps.size(); ++i) QCOMPARE(steps[i], i + 1);
        QCOMPARE(previews, 24);
        const auto output = results.at(0).at(0).value<ProcessSampleOutput>();
        QCOMPARE(early, (QList<int>{0, 1}));
        for (std::size_t i = 0; i < 2; ++i) QVERIFY(earlyImages[i] == output.images[i]);
        QCOMPARE(output.id, id);
        QCOMPARE(output.images.size(), std::size_t(2));
        QCOMPARE(output.images[0].size(), QSize(64, 64));
        QVERIFY(output.images[0] != output.images[1]);  // two seeds, two images
        QCOMPARE(output.metadata.size(), std::size_t(2));
        const auto& m = output.metadata[1];
        QCOMPARE(m.modelId, std::string("tiny-whatif"));
        QCOMPARE(m.weightsSha256.size(), std::size_t(64));
        QCOMPARE(m.seed, std::uint64_t(11));
        QCOMPARE(m.steps, 12);
        QCOMPARE(m.guidance, 2.0);
        QCOMPARE(m.device, std::string("cpu"));
        QCOMPARE(m.precision, std::string("fp32"));
        QVERIFY(m.elapsedSeconds > 0);
        QVERIFY(m.parameters == process::ProcessParameters::nominal());
        QTRY_VERIFY(!worker.isBusy());
    }

    void cancelStopsWithinOneStep() {
        ProcessSampleWorker worker(1);
        QVERIFY(load(worker, package_));
        QSignalSpy cancelled(&worker, &ProcessSampleWorker::requestCancelled);
        QSignalSpy results(&worker, &ProcessSampleWorker::resultReady);
        int lastStep = 0;
        connect(&worker, &ProcessSampleWorker::progress, this, [&](quint64, int step, int) { lastStep = step; });
        const auto id = worker.requestInteractive(makeRequest(900, 8));
        QTRY_VERIFY_WITH_TIMEOUT(lastStep >= 2, 60000);
        worker.cancelInteractive();
        const int stepAtCancel = lastStep;
        QElapsedTimer timer;
        timer.start();
        // The worker ends the request at its next step boundary; what it reports after the
        // cancel is dropped, so the step count seen here stays put.
        QTRY_VERIFY_WITH_TIMEOUT(!worker.isBusy(), 60000);
        const auto stopMs = timer.elapsed();
        QTest::qWait(50);
        QCOMPARE(lastStep, stepAtCancel);
        QCOMPARE(results.count(), 0);
        QVERIFY(stepAtCancel < 900);
        qInfo("cancelled at step %d of 900; the worker was idle %lld ms later", stepAtCancel, qint64(stopMs));
        // The request is reported cancelled when it was cut short.
        QTRY_VERIFY(cancelled.count() >= 1);
        QCOMPARE(cancelled.at(0).at(0).value<quint64>(), id);
    }

    void cancelAtTheStepBoundaryTakesAtMostOneMoreStep() {
        // Count the steps the worker actually runs after the cancel, on the worker thread.
        ProcessSampleWorker worker(1);
        QVERIFY(load(worker, package_));
        std::atomic<int> workerSteps{0};
        connect(&worker, &ProcessSampleWorker::deliverProgress_, &worker,
                [&](quint64, quint64, int step, int, const QImage&) { workerSteps = step; }, Qt::DirectConnection);
        QSignalSpy cancelled(&worker, &ProcessSampleWorker::requestCancelled);
        worker.requestInteractive(makeRequest(900, 8));
        QTRY_VERIFY_WITH_TIMEOUT(workerSteps.load() >= 3, 60000);
        worker.cancelInteractive();
        const int atCancel = workerSteps.load();
        QTRY_VERIFY_WITH_TIMEOUT(!worker.isBusy(), 60000);
        QVERIFY2(workerSteps.load() <= atCancel + 1,
                 qPrintable(QStringLiteral("ran %1 steps after the cancel").arg(workerSteps.load() - atCancel)));
    }

    void supersededRequestsNeverDeliver() {
        ProcessSampleWorker worker(1);
        QVERIFY(load(worker, package_));
        QList<quint64> delivered;
        QList<quint64> progressed;
        connect(&worker, &ProcessSampleWorker::resultReady, this,
                [&](const ProcessSampleOutput& o) { delivered << o.id; });
        connect(&worker, &ProcessSampleWorker::progress, this, [&](quint64 id, int, int) {
            if (!progressed.contains(id)) progressed << id;
        });
        QList<quint64> handedEarly;  // images ahead of a result: the superseded hand over none
        connect(&worker, &ProcessSampleWorker::imagesReady, this,
                [&](const ProcessSampleOutput& o, int) { handedEarly << o.id; });
        // A long request, superseded while running.
        const auto first = worker.requestInteractive(makeRequest(600, 4));
        QTRY_VERIFY_WITH_TIMEOUT(progressed.contains(first), 60000);
        // A burst of requests: only the last counts.
        quint64 last = 0;
        for (int i = 0; i < 5; ++i) last = worker.requestInteractive(makeRequest(5 + i));
        QTRY_VERIFY_WITH_TIMEOUT(!delivered.isEmpty(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!worker.isBusy(), 60000);
        QTest::qWait(100);  // anything still in the event queue arrives now
        QCOMPARE(delivered, QList<quint64>{last});
        for (const auto id : progressed) QVERIFY(id == first || id == last);
        QCOMPARE(handedEarly, QList<quint64>{last});

        // A result that finished on the worker but is superseded before the GUI thread sees it
        // is dropped too: request, wait until the worker is done, supersede, then process events.
        delivered.clear();
        const auto quick = worker.requestInteractive(makeRequest(2));
        while (worker.isBusy()) QThread::msleep(5);  // no event processing: the result stays queued
        const auto next = worker.requestInteractive(makeRequest(3));
        QTRY_VERIFY_WITH_TIMEOUT(!delivered.isEmpty(), 60000);
        QTest::qWait(50);
        QCOMPARE(delivered, QList<quint64>{next});
        QVERIFY(quick != next);
    }

    void failingLoadsReportErrors() {
        ProcessSampleWorker worker(1);
        QSignalSpy failed(&worker, &ProcessSampleWorker::modelLoadFailed);
        const QString missing = dir_.filePath(QStringLiteral("no-such-model"));
        worker.loadModel(missing, QStringLiteral("cpu"));
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("no-such-model")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!worker.hasModel());

        // Corrupt weights: a copy of the package with garbage in the safetensors file.
        const QString corrupt = dir_.filePath(QStringLiteral("corrupt"));
        std::filesystem::copy(package_.toStdString(), corrupt.toStdString(), std::filesystem::copy_options::recursive);
        QFile weights(corrupt + QStringLiteral("/weights.safetensors"));
        QVERIFY(weights.open(QIODevice::ReadWrite));
        weights.seek(8);
        weights.write(QByteArray(64, '\x7f'));
        weights.close();
        worker.loadModel(corrupt, QStringLiteral("cpu"));
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.count(), 2);
        QVERIFY(!failed.at(1).at(0).toString().isEmpty());
        qInfo("corrupt weights: %s", qPrintable(failed.at(1).at(0).toString()));

        // Truncated weights.
        QVERIFY(QFile::resize(corrupt + QStringLiteral("/weights.safetensors"), 100));
        worker.loadModel(corrupt, QStringLiteral("cpu"));
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.count(), 3);

        // Requests without a model fail instead of hanging.
        QSignalSpy requestFailed(&worker, &ProcessSampleWorker::requestFailed);
        const auto id = worker.requestInteractive(makeRequest(3));
        QVERIFY(requestFailed.wait(10000));
        QCOMPARE(requestFailed.at(0).at(0).value<quint64>(), id);

        // And a good load afterwards works.
        QVERIFY(load(worker, package_));
        QSignalSpy results(&worker, &ProcessSampleWorker::resultReady);
        worker.requestInteractive(makeRequest(3));
        QVERIFY(results.wait(30000));
    }

    void sweepsQueueAndDeliverInOrder() {
        ProcessSampleWorker worker(1);
        QVERIFY(load(worker, package_));
        QList<QPair<quint64, int>> cells;
        QList<QPair<quint64, bool>> finished;
        connect(&worker, &ProcessSampleWorker::sweepCellReady, this,
                [&](quint64 sweep, int index, const ProcessSampleOutput& o) {
                    QCOMPARE(o.images.size(), std::size_t(1));
                    cells.append({sweep, index});
                });
        connect(&worker, &ProcessSampleWorker::sweepFinished, this,
                [&](quint64 sweep, bool cancelled) { finished.append({sweep, cancelled}); });
        std::vector<ml::ProcessSampleRequest> a, b;
        for (int i = 0; i < 3; ++i) {
            auto r = makeRequest(4);
            r.parameters.meltTemperatureC = 220 + 10 * i;
            a.push_back(r);
        }
        for (int i = 0; i < 2; ++i) b.push_back(makeRequest(3));
        const auto sweepA = worker.queueSweep(a);
        const auto sweepB = worker.queueSweep(b);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2, 60000);
        const QList<QPair<quint64, int>> expected{{sweepA, 0}, {sweepA, 1}, {sweepA, 2}, {sweepB, 0}, {sweepB, 1}};
        QCOMPARE(cells, expected);
        QCOMPARE(finished.at(0), qMakePair(sweepA, false));
        QCOMPARE(finished.at(1), qMakePair(sweepB, false));

        // Cancelling a sweep as a whole: the rest of its cells never arrive; a later sweep still runs.
        cells.clear();
        finished.clear();
        std::vector<ml::ProcessSampleRequest> longCells(6, makeRequest(300, 4));
        const auto sweepC = worker.queueSweep(longCells);
        const auto sweepD = worker.queueSweep(b);
        QTRY_VERIFY_WITH_TIMEOUT(!cells.isEmpty() || worker.isBusy(), 60000);
        worker.cancelSweep(sweepC);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2, 120000);
        QCOMPARE(finished.at(0), qMakePair(sweepC, true));
        QCOMPARE(finished.at(1), qMakePair(sweepD, false));
        int cCells = 0;
        for (const auto& c : cells) cCells += c.first == sweepC;
        QVERIFY(cCells < 6);
        QCOMPARE(cells.size() - cCells, qsizetype(2));
    }

    void interactiveRequestsRunBetweenSweepCells() {
        ProcessSampleWorker worker(1);
        QVERIFY(load(worker, package_));
        QList<QString> order;
        connect(&worker, &ProcessSampleWorker::sweepCellReady, this,
                [&](quint64, int index, const ProcessSampleOutput&) { order << QStringLiteral("cell%1").arg(index); });
        connect(&worker, &ProcessSampleWorker::resultReady, this,
                [&](const ProcessSampleOutput&) { order << QStringLiteral("interactive"); });
        worker.queueSweep(std::vector<ml::ProcessSampleRequest>(4, makeRequest(20, 2)));
        QTRY_VERIFY_WITH_TIMEOUT(!order.isEmpty(), 60000);
        worker.requestInteractive(makeRequest(3));
        QTRY_VERIFY_WITH_TIMEOUT(order.size() == 5, 60000);
        QVERIFY2(order.indexOf(QStringLiteral("interactive")) < 4, qPrintable(order.join(QChar(' '))));
    }
};

QTEST_GUILESS_MAIN(TestProcessSampleWorker)
#include "tst_processsampleworker.moc"
