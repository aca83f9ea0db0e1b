"""Every version and name the GPU side depends on, in one place.

Changing anything here changes the image (and so forces a rebuild on Modal).
"""

APP_NAME = "brain-go-brr-v2"

# Storage names and mount points (contracts.md section 3).
RESULTS_VOLUME = "brain-go-brr-results"
RESULTS_MOUNT = "/results"
DATA_VOLUME = "brain-go-brr-data"
DATA_VOLUME_MOUNT = "/staged"  # stage copies datasets to /staged/<name>/<version>/
S3_SECRET = "aws-s3-secret"
WANDB_SECRET = "wandb-secret"

# Image: order of these steps is fixed in bgb_modal/image_plan.py.
BASE_IMAGE = "nvidia/cuda:12.1.0-devel-ubuntu22.04"
PYTHON_VERSION = "3.11"
APT_PACKAGES = ("build-essential", "ninja-build", "git")
CUDA_HOME = "/usr/local/cuda"
# Written out in full: Modal quotes ENV values, so "$PATH" would not expand. This is the base
# image's own PATH with nothing removed.
CUDA_PATH = "/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TORCH_CUDA_ARCH_LIST = "8.0;9.0"  # A100 (sm_80) and H100 (sm_90)

# Every Python package the image installs is pinned below, per install step (issue 9): an
# unpinned name resolves to whatever is newest on build day, which is how mamba-ssm 2.2.2
# (it requires plain "transformers") broke when transformers 5 dropped the names it imports.
# The trainer-side versions are those of the trainer's uv.lock at the pinned commit; the rest
# were resolved by pip against them. tests/test_image_pins.py re-resolves this whole set with
# pip (metadata only, no torch download) and fails if any package would be pulled in unpinned,
# if a step needs a package that only a later step installs, or if a pin conflicts.
PYPI_INDEX_URL = "https://pypi.org/simple"
TORCH_INDEX_URL = "https://download.pytorch.org/whl/cu121"

# Step 1, from the cu121 index (PyPI as extra index): torch, torchvision, the CUDA 12.1
# libraries and triton exactly as torch 2.2.2 pins them, and torch's unpinned dependencies.
# numpy 1.x: torch 2.2.2 and the mamba-ssm/causal-conv1d kernels are built against its ABI.
TORCH_PACKAGES = (
    "torch==2.2.2",
    "torchvision==0.17.2",
    "triton==2.2.0",
    "nvidia-cublas-cu12==12.1.3.1",
    "nvidia-cuda-cupti-cu12==12.1.105",
    "nvidia-cuda-nvrtc-cu12==12.1.105",
    "nvidia-cuda-runtime-cu12==12.1.105",
    "nvidia-cudnn-cu12==8.9.2.26",
    "nvidia-cufft-cu12==11.0.2.54",
    "nvidia-curand-cu12==10.3.2.106",
    "nvidia-cusolver-cu12==11.4.5.107",
    "nvidia-cusparse-cu12==12.1.0.106",
    "nvidia-nccl-cu12==2.19.3",
    "nvidia-nvjitlink-cu12==12.1.105",  # unpinned by cusparse; 12.1 to match CUDA 12.1
    "nvidia-nvtx-cu12==12.1.105",
    "numpy==1.26.4",
    "pillow==11.3.0",
    "typing-extensions==4.15.0",
    "filelock==3.19.1",
    "fsspec==2025.9.0",
    "jinja2==3.1.6",
    "markupsafe==3.0.2",
    "networkx==3.5",
    "sympy==1.14.0",
    "mpmath==1.3.0",
)

# Step 2: what the CUDA extensions build with. torch 2.2.2's cpp_extension does
# `from pkg_resources import packaging`, which setuptools 70 removed: keep setuptools < 70.
BUILD_TOOLS = ("setuptools==69.5.1", "wheel==0.43.0", "packaging==25.0", "ninja==1.11.1.1")

# Step 3: mamba-ssm's own runtime requirements, installed before it so that mamba-ssm (built
# with --no-deps) cannot pull anything unpinned. transformers 4.x: 5.x no longer defines
# GreedySearchDecoderOnlyOutput / SampleDecoderOnlyOutput, which mamba_ssm/utils/generation.py
# imports, so `import mamba_ssm` fails with it.
MAMBA_DEPS = (
    "einops==0.8.1",
    "transformers==4.46.3",
    "huggingface-hub==0.36.2",
    "hf-xet==1.8.0",
    "tokenizers==0.20.3",
    "safetensors==0.8.0",
    "regex==2026.11.19",
    "requests==2.32.5",
    "certifi==2025.8.3",
    "charset-normalizer==3.4.3",
    "idna==3.10",
    "urllib3==2.5.0",
    "pyyaml==6.0.2",
    "tqdm==4.67.1",
)

# Steps 4 and 5: compiled against the torch above (--no-build-isolation), --no-deps.
CAUSAL_CONV1D = "causal-conv1d==1.4.0"
MAMBA_SSM = "mamba-ssm==2.2.2"

# Step 6: the trainer's runtime dependencies (its pyproject lists most unpinned; these are
# its uv.lock's versions) and everything they need.
TRAINER_PACKAGES = (
    "scipy==1.13.1",
    "scikit-learn==1.3.2",
    "joblib==1.5.2",
    "threadpoolctl==3.6.0",
    "mne==1.10.1",
    "decorator==5.2.1",
    "lazy-loader==0.4",
    "pooch==1.8.2",
    "platformdirs==4.4.0",
    "pyedflib==0.1.42",
    "pydantic==2.11.9",
    "pydantic-core==2.33.2",
    "annotated-types==0.7.0",
    "typing-inspection==0.4.1",
    "click==8.3.0",
    "rich==14.1.0",
    "markdown-it-py==4.0.0",
    "mdurl==0.1.2",
    "pygments==2.19.2",
    "matplotlib==3.10.6",
    "contourpy==1.3.3",
    "cycler==0.12.1",
    "fonttools==4.60.0",
    "kiwisolver==1.4.9",
    "pyparsing==3.2.5",
    "python-dateutil==2.9.0.post0",
    "six==1.17.0",
    "seaborn==0.13.2",
    "pandas==2.3.2",
    "pytz==2025.2",
    "tzdata==2025.2",
    "tensorboard==2.20.0",
    "tensorboard-data-server==0.7.2",
    "absl-py==2.3.1",
    "grpcio==1.75.0",
    "markdown==3.9",
    "protobuf==6.32.1",
    "werkzeug==3.1.3",
    "wandb==0.22.0",
    "gitpython==3.1.45",
    "gitdb==4.0.12",
    "smmap==5.0.2",
    "sentry-sdk==2.38.0",
)

# Step 7: what the v3 model imports besides torch and mamba-ssm (src/brain_brr/models/
# gnn_pyg.py and tcn.py). torch-scatter/torch-sparse come as prebuilt wheels for torch 2.2 +
# CUDA 12.1 from PyG's wheel page (the local version pins that build; PyPI has only sources).
PYG_WHEEL_PAGE = "https://data.pyg.org/whl/torch-2.2.0+cu121.html"
PYG_EXTENSIONS = ("torch-scatter==2.1.2+pt22cu121", "torch-sparse==0.6.18+pt22cu121")
V3_PACKAGES = (
    "torch-geometric==2.6.1",
    "aiohttp==3.14.5",
    "aiohappyeyeballs==2.7.1",
    "aiosignal==1.4.0",
    "attrs==25.3.0",
    "frozenlist==1.8.0",
    "multidict==7.2.1",
    "propcache==0.5.4",
    "yarl==1.25.1",
    "psutil==7.1.0",
    "pytorch-tcn==1.2.3",
)

# Third-party modules the trainer's source imports (at the pinned commit), plus tensorboard
# (torch.utils.tensorboard) and the PyG extensions. The image imports each at build time, so an
# ABI mismatch fails the build instead of a run; tests compare this with the trainer checkout.
TRAINER_IMPORTS = (
    "click",
    "mamba_ssm",
    "mne",
    "numpy",
    "pydantic",
    "pytorch_tcn",
    "rich",
    "scipy",
    "sklearn",
    "tensorboard",
    "torch",
    "torch_geometric",
    "torch_scatter",
    "torch_sparse",
    "tqdm",
    "wandb",
    "yaml",
)

# Inside the container.
APP_DIR = "/app"  # PYTHONPATH root: trainer source at /app/src, configs at /app/configs
TRAINER_REMOTE_DIR = "/app/src"
CONFIGS_REMOTE_DIR = "/app/configs"

# Defaults when BGB_LAUNCH_SPEC is absent (contracts.md section 2).
DEFAULT_GPU = "A100-80GB"
DEFAULT_TIMEOUT_S = 86_400
MAX_TIMEOUT_S = 86_400  # Modal rejects longer function timeouts
DEFAULT_TRAINER_SOURCE = "vendor/brain-go-brr-v2/src"

# Functions that need no GPU for long.
CHECK_TIMEOUT_S = 1_800
STAGE_TIMEOUT_S = 86_400
STAGE_CPU = 8.0
STAGE_WORKERS = 32

# Attempts of a training run (retries, timeouts, preemption): bgb_modal/function_plan.py and
# bgb_modal/attempts.py; the retries come from the launch spec's `train_retries`.
