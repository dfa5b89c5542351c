#ifndef DESK_CSYSTEMD_SHIM_H
#define DESK_CSYSTEMD_SHIM_H

// deskd passes CODE_FILE, CODE_LINE and CODE_FUNC itself.
#define SD_JOURNAL_SUPPRESS_LOCATION 1

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#endif
