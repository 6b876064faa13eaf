#include "core/ml/BlasCheck.h"

#include <QtTest>

// Fails loudly when libopenblas0-pthread is missing: every model would silently run ~25x slower.
class TestBlasCheck : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void torchRunsOnOptimizedBlas() {
        const lf::ml::BlasInfo info = lf::ml::probeBlas();
        qInfo("BLAS: %s, 512^2 matmul %.1f GFLOP/s", info.library.c_str(), info.matmulGflops);
        QVERIFY2(!info.library.empty(), "no BLAS library is mapped after a torch matmul");
        QVERIFY2(info.optimized, lf::ml::blasWarning(info).c_str());
        QVERIFY(lf::ml::blasWarning(info).empty());
    }
    void warningNamesTheFix() {
        lf::ml::BlasInfo ref;
        ref.library = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";
        QVERIFY(lf::ml::blasWarning(ref).find("libopenblas0-pthread") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestBlasCheck)
#include "tst_blascheck.moc"
