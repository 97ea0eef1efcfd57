{
  description = "ssmbench: Mamba vs LLaMA (arXiv 2601.01237) re-run in Rust/Burn";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  };

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f system);
    in
    {
      devShells = forAllSystems (system:
        let
          pkgs = import nixpkgs {
            inherit system;
            # NVRTC and the CUDA runtime are unfree.
            config.allowUnfree = true;
          };
          cuda = pkgs.cudaPackages;
        in
        {
          default = pkgs.mkShell {
            packages = [
              # The project was built with rustc 1.95.0 (Cargo.toml: rust-version = "1.95").
              # If this nixpkgs ships an older rustc, take the toolchain from
              # oxalica's rust-overlay instead.
              pkgs.rustc
              pkgs.cargo
              pkgs.clippy
              pkgs.rustfmt
              pkgs.pkg-config
              pkgs.openssl
              cuda.cuda_nvrtc
              cuda.cuda_cudart
            ];

            # The CUDA libraries are loaded at run time (cudarc's dynamic loading), not linked,
            # so `cargo build` and `cargo test` work on a machine without a GPU. At run time
            # libnvrtc comes from nixpkgs and libcuda from the driver, which NixOS puts in
            # /run/opengl-driver/lib.
            shellHook = ''
              export LD_LIBRARY_PATH="${pkgs.lib.getLib cuda.cuda_nvrtc}/lib:${pkgs.lib.getLib cuda.cuda_cudart}/lib:/run/opengl-driver/lib''${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
            '';
          };
        });
    };
}
