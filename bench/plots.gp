# bench/plots.gp: the plots of docs/BENCHMARKS.md, from bench/run's data.
#
#	gnuplot -e "dir='RESULTS'; outdir='docs/plots'" bench/plots.gp
#
# dir holds mem-OP-METHOD.dat (SIZE MEDIAN_NS MIN_NS MAX_NS) and
# slowdown.dat (a header of quoted tool names, then "WORKLOAD" and one
# ratio per tool).

set terminal pngcairo size 1100,480 font ",10" noenhanced
set encoding utf8
methods = "peek pvr procmem mem-copy mem memcpy"
label(m) = m eq "peek" ? "PTRACE_PEEKDATA/POKEDATA" : \
	m eq "pvr" ? "process_vm_readv/writev" : \
	m eq "procmem" ? "pread/pwrite /proc/PID/mem" : \
	m eq "mem-copy" ? "mem_read/mem_write --no-redirect" : \
	m eq "mem" ? "mem_read/mem_write (redirected)" : "memcpy (limit)"
set style line 1 lc rgb "#999999" lw 2 pt 1
set style line 2 lc rgb "#1f77b4" lw 2 pt 2
set style line 3 lc rgb "#9467bd" lw 2 pt 3
set style line 4 lc rgb "#ff7f0e" lw 2 pt 4
set style line 5 lc rgb "#d62728" lw 3 pt 7
set style line 6 lc rgb "#2ca02c" lw 2 pt 6 dt 2

set logscale xy
set xrange [5:110000000]
set grid
set xtics ("8 B" 8, "64 B" 64, "512 B" 512, "4 KiB" 4096, \
	"32 KiB" 32768, "256 KiB" 262144, "2 MiB" 2097152, \
	"" 16777216, "64 MiB" 67108864)
set format y "%.0s %cs"
set xlabel "access size"
set key bottom right samplen 2 spacing 0.9 font ",9"

# Latency: ns per access.
set output outdir."/mem-latency.png"
set multiplot layout 1,2 title \
	"Time per access to a traced process's memory (median, log-log; " . \
	"bars: min-max)"
do for [op in "read write"] {
	set title op
	set ylabel "time per access"
	plot for [i=1:6] dir."/mem-".op."-".word(methods, i).".dat" \
		using 1:($2/1e9):($3/1e9):($4/1e9) with yerrorlines \
		ls i title label(word(methods, i))
}
unset multiplot

# Throughput: bytes per second.
set output outdir."/mem-throughput.png"
set key at graph 0.99, graph 0.40 right samplen 2 spacing 0.9 font ",9"
set multiplot layout 1,2 title \
	"Throughput of accesses to a traced process's memory (median, log-log)"
do for [op in "read write"] {
	set title op
	set ylabel "bytes per second"
	set format y "%.0s %cB/s"
	plot for [i=1:6] dir."/mem-".op."-".word(methods, i).".dat" \
		using 1:($1/$2*1e9) with linespoints ls i \
		title label(word(methods, i))
}
unset multiplot

# Slowdown bars: ratio to native per workload and tool.
reset
set terminal pngcairo size 1100,520 font ",10" noenhanced
set output outdir."/slowdown.png"
set title "Tracee slowdown against native (median wall time ratio, " . \
	"log scale; 1 = native)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [0.3:*]
set grid ytics
set ylabel "time / native time"
set xtics rotate by 15 right scale 0
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" dt 2
plot dir."/slowdown.dat" using 2:xtic(1) title columnheader(2) \
		lc rgb "#999999", \
	'' using 3 title columnheader(3) lc rgb "#d62728", \
	'' using 4 title columnheader(4) lc rgb "#ff7f0e", \
	'' using 5 title columnheader(5) lc rgb "#1f77b4", \
	'' using 6 title columnheader(6) lc rgb "#2ca02c"
