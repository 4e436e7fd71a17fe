#!/bin/sh
# 10,000 connections need 10,000 file descriptors on each side: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)"
cd "$(dirname "$0")" && exec node --import tsx memory.ts
