#pragma once
// Runs the built latentforge-cli (LF_CLI_PATH), or another program, as a user would and collects
// what it printed.
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace lf::test {

struct CliResult {
    int exitCode = -1;  // -1: did not finish in time; -2: crashed
    QString out;
    QString err;
};

inline CliResult runProgram(const QString& program, const QStringList& args, int timeoutMs = 120000,
                            const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    CliResult r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline CliResult runCli(const QStringList& args, int timeoutMs = 120000,
                        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    return runProgram(QStringLiteral(LF_CLI_PATH), args, timeoutMs, env);
}

// For suites that run tiny networks: one torch thread and passive OpenMP waits (spin-waiting on
// a loaded 2-core machine costs far more than a second thread gains).
inline QProcessEnvironment singleThreadTorchEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OMP_NUM_THREADS"), QStringLiteral("1"));
    env.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("PASSIVE"));
    return env;
}

}  // namespace lf::test
