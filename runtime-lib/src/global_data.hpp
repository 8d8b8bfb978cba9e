// A global's cell: inline in an instance's context for a defined global, or
// owned by this object for a host global.
#pragma once

#include "owner_set.hpp"

#include "waot/abi.h"
#include "waot/types.hpp"

#include <memory>

namespace waot::detail {

class GlobalData {
public:
  // A host global with its own cell.
  GlobalData(ValType type, bool isMutable, waot_global_cell initial) noexcept
      : type_(type), isMutable_(isMutable), ownCell_(initial), cell_(&ownCell_),
        refOwners_(&ownRefOwners_) {}
  // An instance's global: `cellOwner` keeps `cell` alive, `refOwners` keeps
  // what the host stores there alive.
  GlobalData(ValType type, bool isMutable, waot_global_cell *cell,
             std::shared_ptr<const void> cellOwner, OwnerSet *refOwners) noexcept
      : type_(type), isMutable_(isMutable), cell_(cell), cellOwner_(std::move(cellOwner)),
        refOwners_(refOwners) {}
  GlobalData(const GlobalData &) = delete;
  GlobalData &operator=(const GlobalData &) = delete;

  ValType type() const noexcept { return type_; }
  bool isMutable() const noexcept { return isMutable_; }
  waot_global_cell *cell() const noexcept { return cell_; }

  void keepAlive(std::shared_ptr<const void> owner) {
    if (owner && owner.get() != cellOwner_.get()) refOwners_->add(std::move(owner));
  }

private:
  ValType type_;
  bool isMutable_;
  waot_global_cell ownCell_{};
  waot_global_cell *cell_;
  std::shared_ptr<const void> cellOwner_;
  OwnerSet ownRefOwners_;
  OwnerSet *refOwners_;
};

} // namespace waot::detail
