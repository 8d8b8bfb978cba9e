#include "api_access.hpp"
#include "function_data.hpp"
#include "global_data.hpp"
#include "slots.hpp"

#include "waot/errors.hpp"

namespace waot {

Global::Global(const Value &init, bool isMutable)
    : data_(std::make_shared<detail::GlobalData>(init.type(), isMutable, detail::toSlot(init))) {
  data_->keepAlive(detail::referenceOwner(init));
}

Global::Global(detail::InternalTag, std::shared_ptr<detail::GlobalData> data) noexcept
    : data_(std::move(data)) {}

Value Global::get() const { return detail::fromSlot(data_->type(), *data_->cell()); }

void Global::set(const Value &value) {
  if (!data_->isMutable()) throw TypeError("cannot set an immutable global");
  if (value.type() != data_->type())
    throw TypeError("global of type " + std::string(toString(data_->type())) +
                    " cannot hold a value of type " + std::string(toString(value.type())));
  data_->keepAlive(detail::referenceOwner(value));
  *data_->cell() = detail::toSlot(value);
}

ValType Global::type() const noexcept { return data_->type(); }

bool Global::isMutable() const noexcept { return data_->isMutable(); }

} // namespace waot
