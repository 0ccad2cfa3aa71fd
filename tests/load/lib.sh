# Shared pieces of the load scripts (run.sh, scale.sh); source it from the repository root.

# protoc and its well-known-types include directory from the Grpc.Tools package the build restored (version from
# Directory.Packages.props). Sets protoc and protoc_include; exits 2 when it is not there.
find_protoc() {
  local version packages arch
  version=$(sed -n 's/.*PackageVersion Include="Grpc.Tools" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
  packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
  case "$(uname -m)" in x86_64) arch=linux_x64 ;; aarch64|arm64) arch=linux_arm64 ;; *) arch=linux_x86 ;; esac
  protoc="$packages/grpc.tools/$version/tools/$arch/protoc"
  protoc_include="$packages/grpc.tools/$version/build/native/include"
  [[ -x "$protoc" ]] || chmod +x "$protoc" 2>/dev/null || true
  [[ -x "$protoc" ]] || { echo "protoc not found at $protoc (run dotnet build first so Grpc.Tools is restored)" >&2; exit 2; }
}

# A loopback port that was free a moment ago.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Background processes to stop on exit: append their pids to the pids array.
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
