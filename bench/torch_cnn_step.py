"""Training steps per second of the benchmark CNNs in PyTorch on the CPU; prints one JSON line.
Called by bench/cnn-step.js: python3 torch_cnn_step.py MODEL STEPS RUNS THREADS [SECONDS], MODEL "digits"
(Conv2d(1,16,3,p1) → ReLU → MaxPool2d(2) → Conv2d(16,32,3,p1) → ReLU → MaxPool2d(2) → Flatten →
Linear(128,10) on 8×8 images, batch 64) or "wide" (32/64 channels on 28×28 images, Linear(3136,10),
batch 32); CrossEntropyLoss, SGD with momentum 0.9. A run stops after STEPS steps or SECONDS seconds
(default 2), whichever comes first (two threads can crawl on a busy machine). Reports wall-clock and
process-CPU rates and the mean time of each phase of a step (zero_grad, forward, loss, backward, step) in µs."""
import json
import sys
import time

import torch

model_name, steps, runs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 2.0
torch.set_num_threads(threads)
torch.manual_seed(0)
c1, c2, batch, size = (16, 32, 64, 8) if model_name == "digits" else (32, 64, 32, 28)
nn = torch.nn
model = nn.Sequential(
    nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(c2 * (size // 4) ** 2, 10),
)
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(batch, 1, size, size)
y = torch.randint(0, 10, (batch,))
phases = [0.0] * 5


def step(timed):
    t0 = time.perf_counter()
    opt.zero_grad()
    t1 = time.perf_counter()
    out = model(x)
    t2 = time.perf_counter()
    loss = loss_fn(out, y)
    t3 = time.perf_counter()
    loss.backward()
    t4 = time.perf_counter()
    opt.step()
    if timed:
        t5 = time.perf_counter()
        for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            phases[i] += d


t_warm = time.perf_counter()
for i in range(max(20, steps // 10)):
    step(False)
    if i >= 2 and time.perf_counter() - t_warm > seconds:
        break
wall, cpu = [], []
n = 0
for _ in range(runs):
    t0, c0 = time.perf_counter(), time.process_time()
    done = 0
    while done < steps and (done < 2 or time.perf_counter() - t0 < seconds):
        step(True)
        done += 1
    wall.append(done / (time.perf_counter() - t0))
    cpu.append(done / (time.process_time() - c0))
    n += done
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "stepsPerSecond": wall,
                  "cpuStepsPerSecond": cpu, "phasesUs": [p / n * 1e6 for p in phases]}))
