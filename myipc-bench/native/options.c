// SPDX-License-Identifier: GPL-2.0
/*
 * myipc-bench-c: the options. Filled once here, read everywhere else
 * through the const pointer opt.
 */
#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static struct opts opts;
const struct opts *const opt = &opts;

static uint64_t parse_size(const char *s, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		die("%s: '%s' is not a size (examples: 4096, 64K, 1M, 256M)", what, s);
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += (end[0] == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end)
		die("%s: '%s' is not a size (examples: 4096, 64K, 1M, 256M)", what, s);
	return (uint64_t)v;
}

int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, name, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: myipc-bench-c [options]\n"
		"  --transports a,b,c   which transports (default: all; --list shows them)\n"
		"  --metrics m,n        of rtt,throughput,rate (default: all three; empty: the correctness passes only)\n"
		"  --sizes 64,4K,64K,1M chunk sizes for throughput (and the correctness pass)\n"
		"  --bytes 256M         timed bytes per throughput point\n"
		"  --verify-bytes 16M   bytes per chunk size in the (untimed) correctness pass\n"
		"  --rtt-count 100000   measured round trips (after --warmup, default count/10, <= 10000)\n"
		"  --rates 1000,10000,100000,max   message rates of the fixed-rate runs\n"
		"  --rate-seconds 1     length of each fixed-rate run\n"
		"  --placement cross-core|same-core   pin the two processes to two CPUs or one\n"
		"  --cpus A,B           the CPUs to use (default: the first two this process may use)\n"
		"  --dev /dev/myipc0[,/dev/myipc1]    driver devices (two for ping-pong); kmod-spsc/kmod-mutex switch\n"
		"                       their sync mode through /sys/class/myipc/myipcN/sync where the driver has it\n"
		"  --spin-before-sleep N   rings, sleep policy: polls before announcing a sleep (default 0)\n"
		"  --repeats 5          timed repeats per point, after one untimed warm-up (median, min, max reported)\n"
		"  --check-ceiling[=1]  fail the run if a throughput median is more than 1%% (or PCT) above the\n"
		"                       ceiling's at the same chunk size\n"
		"  --timeout 600        seconds one measurement may take before it is stopped (0: never)\n"
		"  --quick              small budgets: the whole run in well under a minute\n"
		"  --out file.json      write the result document there\n"
		"  --inject-corruption  flip one byte in every correctness pass and in a timed run (both must then fail)\n"
		"  --inject-stall       (test) the echoing side never answers: the watchdog must stop it\n"
		"  --self-test          tiny run of every transport, TAP-like output\n"
		"  --list               list the transports and what each measures\n");
}

static void parse_csv_sizes(const char *s)
{
	char *d = strdup(s), *save = NULL;

	opts.nsizes = 0;
	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (opts.nsizes == MAX_SIZES)
			die("--sizes: at most %d sizes", MAX_SIZES);
		opts.sizes[opts.nsizes] = parse_size(t, "--sizes");
		if (opts.sizes[opts.nsizes] > (256u << 20))
			die("--sizes: %s is larger than 256M", t);
		/* the timed pattern is made of 8-byte words */
		if (opts.sizes[opts.nsizes] % 8)
			die("--sizes: %s is not a multiple of 8", t);
		opts.nsizes++;
	}
	free(d);
	if (!opts.nsizes)
		die("--sizes: empty list");
}

static void parse_rates(const char *s)
{
	char *d = strdup(s), *save = NULL;

	opts.nrates = 0;
	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long v;

		if (opts.nrates == MAX_RATES)
			die("--rates: at most %d rates", MAX_RATES);
		if (!strcmp(t, "max")) {
			v = 0;
		} else {
			v = strtol(t, &end, 10);
			if (*end == 'k' || *end == 'K') {
				v *= 1000;
				end++;
			}
			if (*end || v <= 0 || v > 10000000)
				die("--rates: '%s' is not a rate (messages per second, 1..10000000, or 'max')", t);
		}
		opts.rates[opts.nrates++] = v;
	}
	free(d);
}

static void default_cpus(void)
{
	cpu_set_t set;
	int n = 0;

	opts.cpu_a = opts.cpu_b = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity: %s", strerror(errno));
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++) {
		if (CPU_ISSET(c, &set)) {
			if (n++ == 0)
				opts.cpu_a = c;
			else
				opts.cpu_b = c;
		}
	}
}

/*
 * Fill the options from the command line, the defaults and the machine
 * (emulation, CPUs); known: whether a transport name is in the table.
 * -1: go on and run (*self: the self-test); otherwise the exit code, or
 * OPTS_LIST for --list.
 */
int opts_parse(int argc, char **argv, int (*known)(const char *name, size_t len), int *self)
{
	enum { OPT_TRANSPORTS = 256, OPT_METRICS, OPT_SIZES, OPT_BYTES, OPT_VBYTES, OPT_RTT, OPT_WARM,
	       OPT_RATES, OPT_RSEC, OPT_PLACE, OPT_CPUS, OPT_DEV, OPT_SPIN, OPT_TIMEOUT, OPT_QUICK, OPT_OUT, OPT_INJECT, OPT_STALL,
	       OPT_SELF, OPT_LIST, OPT_HELP, OPT_REPEATS, OPT_CHECK_CEIL };
	static const struct option lo[] = {
		{ "transports", 1, 0, OPT_TRANSPORTS }, { "metrics", 1, 0, OPT_METRICS },
		{ "sizes", 1, 0, OPT_SIZES }, { "bytes", 1, 0, OPT_BYTES },
		{ "verify-bytes", 1, 0, OPT_VBYTES }, { "rtt-count", 1, 0, OPT_RTT },
		{ "warmup", 1, 0, OPT_WARM }, { "rates", 1, 0, OPT_RATES },
		{ "rate-seconds", 1, 0, OPT_RSEC }, { "placement", 1, 0, OPT_PLACE },
		{ "cpus", 1, 0, OPT_CPUS }, { "dev", 1, 0, OPT_DEV },
		{ "spin-before-sleep", 1, 0, OPT_SPIN }, { "timeout", 1, 0, OPT_TIMEOUT }, { "quick", 0, 0, OPT_QUICK },
		{ "out", 1, 0, OPT_OUT }, { "inject-corruption", 0, 0, OPT_INJECT },
		{ "inject-stall", 0, 0, OPT_STALL }, { "repeats", 1, 0, OPT_REPEATS },
		{ "check-ceiling", 2, 0, OPT_CHECK_CEIL },
		{ "self-test", 0, 0, OPT_SELF }, { "list", 0, 0, OPT_LIST }, { "help", 0, 0, OPT_HELP },
		{ 0, 0, 0, 0 }
	};
	const char *sizes = NULL, *rates = NULL, *bytes = NULL, *vbytes = NULL, *cpus = NULL;
	long rtt = -1, warm = -1;
	double rsec = -1;
	int c, timeout_set = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case OPT_TRANSPORTS: opts.transports = optarg; break;
		case OPT_METRICS: opts.metrics = optarg; break;
		case OPT_SIZES: sizes = optarg; break;
		case OPT_BYTES: bytes = optarg; break;
		case OPT_VBYTES: vbytes = optarg; break;
		case OPT_RTT: rtt = strtol(optarg, NULL, 10); if (rtt <= 0) die("--rtt-count: a positive number, not '%s'", optarg); break;
		case OPT_WARM: warm = strtol(optarg, NULL, 10); if (warm < 0) die("--warmup: a number >= 0, not '%s'", optarg); break;
		case OPT_RATES: rates = optarg; break;
		case OPT_RSEC: rsec = strtod(optarg, NULL); if (rsec <= 0) die("--rate-seconds: a positive number, not '%s'", optarg); break;
		case OPT_PLACE:
			if (!strcmp(optarg, "same-core"))
				opts.same_core = 1;
			else if (!strcmp(optarg, "cross-core"))
				opts.same_core = 0;
			else
				die("--placement: same-core or cross-core, not '%s'", optarg);
			break;
		case OPT_CPUS: cpus = optarg; break;
		case OPT_DEV: {
			char *d = strdup(optarg), *save = NULL;

			for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (opts.ndevs == MAX_DEVS)
					die("--dev: at most two devices (one per direction)");
				opts.devs[opts.ndevs++] = t;
			}
			break;
		}
		case OPT_SPIN: opts.spin_before_sleep = strtol(optarg, NULL, 10); break;
		case OPT_TIMEOUT: opts.timeout = strtol(optarg, NULL, 10); if (opts.timeout < 0) die("--timeout: seconds >= 0, not '%s'", optarg); timeout_set = 1; break;
		case OPT_QUICK: opts.quick = 1; break;
		case OPT_OUT: opts.out = optarg; break;
		case OPT_INJECT: opts.inject_corruption = 1; break;
		case OPT_STALL: opts.inject_stall = 1; break;
		case OPT_REPEATS:
			opts.repeats = (int)strtol(optarg, NULL, 10);
			if (opts.repeats < 1 || opts.repeats > MAX_REPEATS)
				die("--repeats: 1..%d, not '%s'", MAX_REPEATS, optarg);
			break;
		case OPT_CHECK_CEIL: {
			char *end = NULL;

			opts.check_ceiling = 1;
			opts.ceiling_tol = optarg ? strtod(optarg, &end) : 1.0;
			if (optarg && (end == optarg || *end || opts.ceiling_tol < 0))
				die("--check-ceiling=PCT: a tolerance in percent >= 0, not '%s'", optarg);
			break;
		}
		case OPT_SELF: *self = 1; break;
		case OPT_LIST: return OPTS_LIST;
		case OPT_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "myipc-bench-c: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (opts.transports) {
		for (const char *p = opts.transports; *p;) {
			size_t len = strcspn(p, ",");

			if (len && !known(p, len))
				die("--transports: no transport '%.*s' (try --list)", (int)len, p);
			p += len + (p[len] == ',');
		}
	}
	if (opts.metrics) {
		for (const char *p = opts.metrics; *p;) {
			size_t len = strcspn(p, ",");

			if (!((len == 3 && !strncmp(p, "rtt", 3)) || (len == 10 && !strncmp(p, "throughput", 10)) ||
			      (len == 4 && !strncmp(p, "rate", 4))))
				die("--metrics: '%.*s' is not one of rtt, throughput, rate", (int)len, p);
			p += len + (p[len] == ',');
		}
	}

	/* defaults, then --quick, then explicit options */
	parse_csv_sizes(sizes ? sizes : "64,4K,64K,1M");
	parse_rates(rates ? rates : "1000,10000,100000,max");
	opts.bytes = bytes ? parse_size(bytes, "--bytes") : opts.quick ? 8u << 20 : 256u << 20;
	opts.bytes_default = !bytes;
	opts.verify_bytes = vbytes ? parse_size(vbytes, "--verify-bytes") : opts.quick ? 2u << 20 : 16u << 20;
	opts.rtt_count = rtt > 0 ? rtt : opts.quick ? 10000 : 100000;
	opts.warmup = warm >= 0 ? warm : (opts.rtt_count / 10 < 10000 ? opts.rtt_count / 10 : 10000);
	opts.rate_seconds = rsec > 0 ? rsec : opts.quick ? 0.15 : 1.0;
	if (!timeout_set)
		opts.timeout = 600;
	if (!opts.repeats)
		opts.repeats = 5;
	env_init();
	if (env_emulated() && !*self) {
		/* software emulation runs 10-100x slower: scale what was not given */
		opts.scaled = 1;
		if (!bytes)
			opts.bytes /= 8;
		if (!vbytes)
			opts.verify_bytes /= 4;
		if (rtt <= 0)
			opts.rtt_count /= 10;
		if (warm < 0)
			opts.warmup = opts.rtt_count / 10;
	}

	if (*self) {
		/* small budgets over a fixed set of sizes: every transport in seconds */
		opts.nsizes = 4;
		opts.sizes[0] = 64;
		opts.sizes[1] = 4096;
		opts.sizes[2] = 65536;
		opts.sizes[3] = 1 << 20;
		opts.verify_bytes = 256 << 10;
	}

	default_cpus();
	if (cpus) {
		if (sscanf(cpus, "%d,%d", &opts.cpu_a, &opts.cpu_b) != 2 || opts.cpu_a < 0 || opts.cpu_b < 0)
			die("--cpus: two CPU numbers, e.g. --cpus 0,1");
	}
	if (opts.cpu_a < 0)
		die("no CPU available to pin to");
	if (!opts.same_core && opts.cpu_b < 0)
		die("--placement cross-core needs two CPUs, this process may use only cpu %d: use --placement same-core",
		    opts.cpu_a);
	if (!opts.same_core && opts.cpu_a == opts.cpu_b)
		die("--cpus: cross-core needs two different CPUs");
	return OPTS_RUN;
}
