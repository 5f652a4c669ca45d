# Scenario 6 figure: CPU per bogus message 1, responder vs attacker.
# Input (run.sh): datafile (cost-ratio.dat: VARIANT N DHGEN DHCOMP PRF CRYPTO_US
# CPU_US BYTES_IN BYTES_OUT HALF_OPEN STATE_B ATT_OPS), au (attacker us per
# message), outfile, caption.
set terminal pngcairo size 1000,600 font 'DejaVu Sans,10'
set output outfile
set title "Scenario 06: CPU cost of one bogus message 1, responder vs attacker\n{/*0.8 ".caption."}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7 border -1
set boxwidth 0.9
set logscale y
set yrange [0.5:*]
set ylabel 'CPU time per bogus request (us, log scale)'
set xlabel 'exchange opened by the attacker (responder defence)'
set grid ytics
set key top right box opaque
name(s) = (s eq "main") ? "Main Mode" : (s eq "aggressive") ? "Aggressive Mode" : "Main Mode, stateless"
plot datafile using 7:xtic(name(strcol(1))) title 'responder (virtual CPU, from samples)' lc rgb '#9400d3', \
     '' using (au) title sprintf('attacker (%g us per message, assumed)', au) lc rgb '#009e73', \
     '' using 0:($7 * 1.3):(sprintf("ratio %.0f", $7 / au)) with labels notitle
