#!/bin/sh
# perl.t: a perl one-liner building hashes of strings and sorting them, with
# an exit status of its own, natively and under ptinspect.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require perl

TAP_TIMEOUT=300
script='
my (%h, %len, %pre);
$h{$_ % 1009} .= chr(97 + $_ * 7 % 26) for 1 .. 300000;
$len{$_} = length $h{$_} for keys %h;
$pre{substr $h{$_}, 0, 2}++ for keys %h;
my @top = (sort { $len{$b} <=> $len{$a} || $a <=> $b } keys %len)[0 .. 9];
print "longest: @top\n";
print join(",", map { "$_=$pre{$_}" } sort keys %pre), "\n";
my @words = sort map { scalar reverse $h{$_} } grep { $_ % 97 == 0 } keys %h;
print length(join "", @words), " ", substr($words[0], 0, 20), "\n";
warn "to stderr\n";
exit 7;
'
real_compare "perl -e" -- perl -e "$script"
real_check_stats "perl -e" perl -e "$script"
tap_done
