#pragma once
// The broker's precompiled header: Asio plus Kappa's async helpers.
#include "kappa/async/asio.h"
