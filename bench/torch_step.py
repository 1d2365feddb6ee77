"""Training steps per second of the digits MLP (64→128→10, batch 32, forward + backward + SGD step) in
PyTorch on the CPU (two threads unless a third argument says otherwise); prints one JSON line.
Called by bench/train-step.js: python3 torch_step.py [steps] [runs] [threads]."""
import json
import sys
import time

import torch

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
loss_fn = torch.nn.CrossEntropyLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.randn(32, 64)
y = torch.randint(0, 10, (32,))


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


for _ in range(200):
    step()
rates = []
for _ in range(runs):
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    rates.append(steps / (time.perf_counter() - t0))
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "stepsPerSecond": rates}))
