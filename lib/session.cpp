// A command's session: the store, the policy parsed once, the clock.

#include "gridgov/session.hpp"

#include "gridgov/service.hpp"

namespace gridgov {

Session::Session(std::unique_ptr<Store> store, Clock clock)
    : m_store(std::move(store)), m_clock(std::move(clock)) {}

const Policy& Session::policy() {
  const int version = m_store->policy_version();
  if (m_policies.empty() || version != m_policy_version) {
    m_policies.push_back(std::make_unique<const Policy>(current_policy(*m_store)));
    m_policy_version = version;
  }
  return *m_policies.back();
}

}  // namespace gridgov
