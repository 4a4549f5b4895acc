#!/usr/bin/env bash
# slurm-array-load.sh: one big load split over 4 tasks of a Slurm job array.
#
#   sbatch configs/slurm-array-load.sh
#
# Each task is a shard: task i of 4 runs `--shard i/4`, and every task works
# out the same split of the files (byte ranges of plain files, cut where a
# record starts; compressed files whole), loading only its own part. The
# tasks share nothing but the target. A task that fails can be run again
# alone (sbatch --array=2 ...): `--resume` skips what it committed, so every
# row lands once. The files must be the same for every task: a shared file
# system.
#
#SBATCH --job-name=sluice-orders
#SBATCH --array=0-3
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --time=02:00:00
#SBATCH --output=sluice-orders-%a.log
set -euo pipefail

# what to load, and where; override them in the environment
: "${SLUICE_FILES:=/shared/drop/orders-*.csv}"
: "${SLUICE_INTO:=mysql://etl@db1.example.com/shop/orders}"
: "${SLUICE_CNF:=$HOME/.config/sluice/etl.cnf}" # a [client] group with the password
: "${SLUICE:=sluice}"

exec "$SLUICE" load "$SLUICE_FILES" --into "$SLUICE_INTO" \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT:-4}" --resume \
  --defaults-file "$SLUICE_CNF" --checkpoint-db sluice_ops --progress log \
  --report "sluice-orders-${SLURM_ARRAY_TASK_ID}.json"
