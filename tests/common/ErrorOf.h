#pragma once
// The message of the lf::Error that `f` throws, or "" when it throws none (tests then check the
// message names what was wrong).
#include "core/util/Error.h"

#include <functional>
#include <string>

namespace lf::test {

inline std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const lf::Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace lf::test
