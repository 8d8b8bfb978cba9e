// waot/c_interop.hpp: the C handles' objects for libraries layered on waot.
#include "c_api_support.hpp"

#include "waot/c_interop.hpp"

namespace waot::capi {

Imports &importsOf(waot_imports_t *imports) noexcept { return imports->imports; }

const Instance &instanceOf(const waot_instance_t *instance) noexcept { return instance->instance; }

waot_status statusOfCurrentException() noexcept { return recordCurrentException(); }

} // namespace waot::capi
