# Functions of the ./musc launcher, in their own file so that tests can call them one by one
# (cli's LauncherTest). Portable to macOS's bash 3.2: no associative arrays, no ${x,,}, no mapfile.
# shellcheck shell=bash

# The CPU vendor in /proc/cpuinfo (MUSC_CPUINFO names another file, for tests); nothing where there
# is no such file (macOS, Windows).
musc_cpu_vendor() {
  local cpuinfo="${MUSC_CPUINFO:-/proc/cpuinfo}"
  [ -r "$cpuinfo" ] || return 0
  sed -n 's/^vendor_id[[:space:]]*:[[:space:]]*//p' "$cpuinfo" | head -n 1
}

# Whether to preload the MKL shim (launcher/mkl_shim.c): prints "yes", or "no: <why>".
# MKL, linked into libtorch, takes its fast kernels only on Intel CPUs unless told otherwise.
musc_mkl_shim_decision() {
  if [ "${MUSC_MKL_SHIM:-1}" = "0" ]; then
    echo "no: MUSC_MKL_SHIM=0"
    return 0
  fi
  local vendor
  vendor="$(musc_cpu_vendor)"
  if [ "$vendor" != "AuthenticAMD" ]; then
    echo "no: CPU vendor ${vendor:-unknown}, not AMD"
    return 0
  fi
  if ! command -v "${MUSC_CC:-cc}" >/dev/null 2>&1; then
    echo "no: no C compiler (${MUSC_CC:-cc}) to build it"
    return 0
  fi
  echo "yes"
}

# Builds the shim once under ROOT/target (again when its source changes) and prints its path;
# prints nothing where it cannot be built.
musc_mkl_shim_build() {
  local root="$1"
  local src="$root/launcher/mkl_shim.c"
  local lib="$root/target/mkl-shim/libmusc_mkl_shim.so"
  if [ ! -f "$lib" ] || [ "$src" -nt "$lib" ]; then
    mkdir -p "$root/target/mkl-shim" || return 0
    # a private name first: two launchers starting at once must not load a half-written library
    if ! "${MUSC_CC:-cc}" -shared -fPIC -O2 -o "$lib.$$" "$src" >/dev/null 2>&1; then
      rm -f "$lib.$$"
      return 0
    fi
    mv -f "$lib.$$" "$lib"
  fi
  echo "$lib"
}

# The name of the build the environment asks for, which names its stamp (target/musc-build.<name>) and
# class-data-sharing archive: "cpu", or "cuda" with MUSC_CUDA=1 (-Pcuda), followed by "-" and a checksum
# of MUSC_MAVEN_ARGS where those are set (e.g. "-Ddjl.version=0.33.0 -Dpytorch.version=2.5.1", the
# previous DJL/PyTorch pair), so that other arguments make another build.
musc_build_name() {
  local name=cpu
  [ "${MUSC_CUDA:-0}" = "1" ] && name=cuda
  if [ -n "${MUSC_MAVEN_ARGS:-}" ]; then
    name="$name-$(printf '%s' "$MUSC_MAVEN_ARGS" | cksum | cut -d ' ' -f 1)"
  fi
  echo "$name"
}

# The class-data-sharing archive for MODULE under ROOT/target, valid while newer than STAMP (the
# last build, target/musc-build.<name> of musc_build_name). Prints "use PATH", "create PATH" (this run
# writes it at exit) or "off: <why>". A run that only prints help (ARGS... empty, or -h, --help, -V, --version)
# loads too few classes to be worth archiving.
musc_cds_decision() {
  local root="$1" module="$2" stamp="$3" arg
  shift 3
  if [ "${MUSC_CDS:-1}" = "0" ]; then
    echo "off: MUSC_CDS=0"
    return 0
  fi
  [ $# -gt 0 ] || { echo "off: no command"; return 0; }
  for arg in "$@"; do
    case "$arg" in
      -h|--help|-V|--version|help) echo "off: help"; return 0 ;;
    esac
  done
  local archive="$root/target/cds/musc-$module-${stamp##*.}.jsa"
  if [ -f "$archive" ] && [ "$archive" -nt "$stamp" ]; then
    echo "use $archive"
  else
    echo "create $archive"
  fi
}

# The class path of MODULE: its jar, then target/lib in a fixed order (a class-data-sharing archive
# holds the class path it was written with).
musc_class_path() {
  local root="$1" module="$2" cp="" f
  for f in "$root/$module/target/musc4j-$module-"*.jar; do
    cp="$f"
    break
  done
  for f in "$root/$module"/target/lib/*.jar; do
    cp="$cp:$f"
  done
  echo "$cp"
}

# "true" where MODULE's libraries hold libtorch's natives, so DJL must not download anything; "false"
# where the platform has none on Maven Central (linux-aarch64) and DJL fetches them on first use.
musc_djl_offline() {
  local f
  for f in "$1/$2"/target/lib/pytorch-native-*.jar; do
    [ -f "$f" ] && echo true && return 0
  done
  echo false
}

# Whether glibc can put its own heaps on transparent huge pages (the glibc.malloc.hugetlb tunable, glibc
# 2.35 and later): prints "yes" or "no: <why>". MUSC_GLIBC_VERSION stands in for `getconf
# GNU_LIBC_VERSION` ("glibc 2.36"), for tests.
musc_glibc_thp() {
  local v major minor
  v="${MUSC_GLIBC_VERSION:-$(getconf GNU_LIBC_VERSION 2>/dev/null || true)}"
  case "$v" in
    glibc\ [0-9]*.[0-9]*) ;;
    *) echo "no: not glibc"; return 0 ;;
  esac
  v="${v#glibc }"
  major="${v%%.*}"
  minor="${v#*.}"
  minor="${minor%%[!0-9]*}"
  if [ "$major" -gt 2 ] || { [ "$major" -eq 2 ] && [ "${minor:-0}" -ge 35 ]; }; then
    echo "yes"
  else
    echo "no: glibc $v, before 2.35"
  fi
}

# Exports what libtorch's allocations need, each only where the caller has not set it. Fresh memory is
# dear: the kernel zeroes every page a process touches for the first time, and in a VM the host may
# have to supply it too; a page of 4 KiB costs about as much to fault in as 2 MiB of a huge page.
#  - Huge pages for the heaps tensors come from: glibc.malloc.hugetlb=1 in GLIBC_TUNABLES (glibc 2.35
#    and later) makes glibc ask for them on every heap it maps, and libtorch's own way
#    (THP_MEM_ALLOC_ENABLE=1: every tensor of 2 MiB or more aligned to 2 MiB) is then left off, as its
#    alignment leaves holes that the next tensor of the same size does not fit (a 40-image run: 129,000
#    page faults -> 55,000; docs/performance.md, "Huge pages for glibc's heaps").
#    On an older glibc, THP_MEM_ALLOC_ENABLE=1 as before.
#  - glibc keeps freed memory for the next tensor instead of returning it and zeroing it page by page
#    again when it comes back (half of what a fresh MLP activation costs in a VM):
#    - MALLOC_MMAP_THRESHOLD_=32 MiB (glibc's largest): tensors up to that size come from its heaps,
#      not from a fresh mapping each;
#    - MALLOC_TRIM_THRESHOLD_=128 MiB: a heap's free top is not trimmed below that;
#    - MALLOC_TOP_PAD_=64 MiB (a whole per-thread heap): glibc deletes a thread's 64 MiB heap as soon as
#      it is empty unless the previous heap lacks this much room, so the thread that calls libtorch
#      mapped and deleted one about 45 times a second (a 40-image run: 700 heaps, 2.3 GB of huge pages
#      faulted in; with the pad 15 heaps, 0.5 GB, and half the system time).
# Spark executors get the same values, with THP_MEM_ALLOC_ENABLE=1 as their glibc is not known
# (spark/.../ExecutorEnvironment.java).
musc_allocator_env() {
  if [ "$(musc_glibc_thp)" = "yes" ]; then
    case "${GLIBC_TUNABLES:-}" in
      *glibc.malloc.hugetlb=*) ;;
      "") export GLIBC_TUNABLES="glibc.malloc.hugetlb=1" ;;
      *) export GLIBC_TUNABLES="$GLIBC_TUNABLES:glibc.malloc.hugetlb=1" ;;
    esac
  fi
  case ":${GLIBC_TUNABLES:-}" in
    *:glibc.malloc.hugetlb=[12]*) export THP_MEM_ALLOC_ENABLE="${THP_MEM_ALLOC_ENABLE:-0}" ;;
    *) export THP_MEM_ALLOC_ENABLE="${THP_MEM_ALLOC_ENABLE:-1}" ;;
  esac
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-134217728}"
  export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-67108864}"
}
