/*
 * unwind-tailcall.c: the frames of functions that ended by jumping to
 * another one, which the stack no longer holds, found as gdb finds them
 * (dwarf2_tailcall_sniffer_first, call_site_find_chain): the caller's
 * call site at its return address calls T0, whose call site flagged
 * DW_AT_call_tail_call jumps to T1, ... to the function of the frame
 * below. Only a unique chain of call sites naming their callee gives
 * frames; each is at the address after its tail call, as gdb shows it.
 * Answers are cached per (return address, callee): a warm backtrace reads
 * no DWARF.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "symbols.h"
#include "unwind-int.h"
#include "util.h"

#define UNWIND_TC_SITES 16	/* tail call sites looked at per function */

/* One answer of unwind_tailcalls; ret 0: an empty slot. */
struct unwind_tc_entry {
	uint64_t ret;
	uint64_t callee;
	size_t count;
	uint64_t pcs[UNWIND_TAILCALL_MAX];
};

/* Open addressing, linear probing, at most half full. */
struct unwind_tc_cache {
	struct unwind_tc_entry *table;
	size_t size;		/* a power of two */
	size_t used;
};

/* A chain search: the functions and tail call sites from T0 down. */
struct unwind_tc {
	struct symbols *syms;
	Dwfl *dwfl;
	uint64_t callee;
	uint64_t fns[UNWIND_TAILCALL_MAX];
	uint64_t sites[UNWIND_TAILCALL_MAX];
	uint64_t chain[UNWIND_TAILCALL_MAX];
	size_t length;
	unsigned found;
};

static bool unwind_tc_function(Dwfl *dwfl, uint64_t addr, Dwarf_Die *fn,
    Dwarf_Addr *bias);
static size_t unwind_tc_sites(Dwarf_Die *scope, Dwarf_Addr ret,
    Dwarf_Die *out, size_t n, size_t max);
static bool unwind_tc_return_pc(Dwarf_Die *site, Dwarf_Addr *out);
static bool unwind_tc_target(struct unwind_tc *tc, Dwarf_Die *site,
    Dwarf_Addr bias, uint64_t *out);
static void unwind_tc_search(struct unwind_tc *tc, uint64_t fn,
    size_t depth);
static size_t unwind_tc_find(struct symbols *syms, uint64_t ret,
    uint64_t callee, uint64_t pcs[UNWIND_TAILCALL_MAX]);
static struct unwind_tc_entry *unwind_tc_slot(struct unwind_tc_cache *c,
    uint64_t ret, uint64_t callee);

size_t
unwind_tailcalls(struct symbols *syms, struct unwind_tc_cache **cache,
    uint64_t ret, uint64_t callee, uint64_t pcs[UNWIND_TAILCALL_MAX])
{
	struct unwind_tc_entry *e, *old;
	struct unwind_tc_cache *c;
	size_t i, size;

	if (ret == 0)
		return 0;
	if (cache == NULL)
		return unwind_tc_find(syms, ret, callee, pcs);
	if ((c = *cache) == NULL)
		c = *cache = xcalloc(1, sizeof *c);
	if (c->used + 1 > c->size / 2) {
		old = c->table;
		size = c->size;
		c->size = size != 0 ? size * 2 : 64;
		c->table = xcalloc(c->size, sizeof *c->table);
		for (i = 0; i < size; i++)
			if (old[i].ret != 0)
				*unwind_tc_slot(c, old[i].ret,
				    old[i].callee) = old[i];
		free(old);
	}
	e = unwind_tc_slot(c, ret, callee);
	if (e->ret == 0) {
		e->ret = ret;
		e->callee = callee;
		e->count = unwind_tc_find(syms, ret, callee, e->pcs);
		c->used++;
	}
	memcpy(pcs, e->pcs, e->count * sizeof *pcs);
	return e->count;
}

void
unwind_tailcalls_free(struct unwind_tc_cache *cache)
{
	if (cache != NULL)
		free(cache->table);
	free(cache);
}

/* The slot of (ret, callee): its entry, or the empty one to fill. */
static struct unwind_tc_entry *
unwind_tc_slot(struct unwind_tc_cache *c, uint64_t ret, uint64_t callee)
{
	size_t i = (size_t)((ret ^ callee * 31) * 0x9e3779b97f4a7c15ull >> 32);

	for (i &= c->size - 1; c->table[i].ret != 0; i = (i + 1) &
	    (c->size - 1))
		if (c->table[i].ret == ret && c->table[i].callee == callee)
			break;
	return &c->table[i];
}

/* unwind_tailcalls' answer, from DWARF. */
static size_t
unwind_tc_find(struct symbols *syms, uint64_t ret, uint64_t callee,
    uint64_t pcs[UNWIND_TAILCALL_MAX])
{
	struct unwind_tc tc;
	Dwarf_Die fn, site;
	Dwarf_Addr bias;
	uint64_t t0;
	size_t i;

	memset(&tc, 0, sizeof tc);
	tc.syms = syms;
	tc.dwfl = symbols_dwfl(syms);
	tc.callee = callee;
	if (tc.dwfl == NULL ||
	    !unwind_tc_function(tc.dwfl, ret - 1, &fn, &bias) ||
	    unwind_tc_sites(&fn, ret - bias, &site, 0, 1) != 1 ||
	    !unwind_tc_target(&tc, &site, bias, &t0) || t0 == callee)
		return 0;
	unwind_tc_search(&tc, t0, 0);
	if (tc.found != 1)
		return 0;
	/* Innermost first: the last function jumped to the callee. */
	for (i = 0; i < tc.length; i++)
		pcs[i] = tc.chain[tc.length - 1 - i];
	return tc.length;
}

/* The subprogram holding addr, with its module's bias. */
static bool
unwind_tc_function(Dwfl *dwfl, uint64_t addr, Dwarf_Die *fn,
    Dwarf_Addr *bias)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, addr);
	Dwarf_Die *cu, *scopes = NULL;
	int n, i;
	bool ok = false;

	if (mod == NULL ||
	    (cu = dwfl_module_addrdie(mod, addr, bias)) == NULL)
		return false;
	n = dwarf_getscopes(cu, addr - *bias, &scopes);
	for (i = n - 1; i >= 0 && !ok; i--) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			*fn = scopes[i];
			ok = true;
		}
	}
	free(scopes);
	return ok;
}

/*
 * Adds to out[n ..] the call sites under scope (at any depth) returning
 * to ret, or with ret 0 those that are tail calls; at most max in all.
 * Returns the new count.
 */
static size_t
unwind_tc_sites(Dwarf_Die *scope, Dwarf_Addr ret, Dwarf_Die *out, size_t n,
    size_t max)
{
	Dwarf_Attribute attr;
	Dwarf_Addr at;
	Dwarf_Die child;
	int tag;

	if (dwarf_child(scope, &child) != 0)
		return n;
	do {
		tag = dwarf_tag(&child);
		if (n == max)
			break;
		if (tag == DW_TAG_lexical_block ||
		    tag == DW_TAG_inlined_subroutine) {
			n = unwind_tc_sites(&child, ret, out, n, max);
			continue;
		}
		if (tag != DW_TAG_call_site && tag != DW_TAG_GNU_call_site)
			continue;
		if (ret != 0 ? unwind_tc_return_pc(&child, &at) && at == ret :
		    dwarf_attr(&child, DW_AT_call_tail_call, &attr) != NULL ||
		    dwarf_attr(&child, DW_AT_GNU_tail_call, &attr) != NULL)
			out[n++] = child;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

/* The address after the call (DWARF 5's attribute, or GNU's low_pc). */
static bool
unwind_tc_return_pc(Dwarf_Die *site, Dwarf_Addr *out)
{
	Dwarf_Attribute attr;

	return (dwarf_attr(site, DW_AT_call_return_pc, &attr) != NULL ||
	    dwarf_attr(site, DW_AT_low_pc, &attr) != NULL) &&
	    dwarf_formaddr(&attr, out) == 0;
}

/*
 * The entry of the function site calls, as its DW_AT_call_origin names
 * it: the definition's own address, else (a declaration, maybe of another
 * module's function) the symbol of its name.
 */
static bool
unwind_tc_target(struct unwind_tc *tc, Dwarf_Die *site, Dwarf_Addr bias,
    uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;
	Dwarf_Addr entry;
	const char *name;

	if ((dwarf_attr(site, DW_AT_call_origin, &attr) == NULL &&
	    dwarf_attr(site, DW_AT_abstract_origin, &attr) == NULL) ||
	    dwarf_formref_die(&attr, &origin) == NULL)
		return false;
	if (dwarf_entrypc(&origin, &entry) == 0) {
		*out = entry + bias;
		return true;
	}
	name = dwarf_attr_integrate(&origin, DW_AT_linkage_name, &attr) !=
	    NULL ? dwarf_formstring(&attr) : dwarf_diename(&origin);
	return name != NULL && symbols_find_function(tc->syms, name, out);
}

/*
 * Follows the tail calls of the function at fn, depth calls down from T0,
 * counting the chains that reach the callee (two are enough to give up).
 */
static void
unwind_tc_search(struct unwind_tc *tc, uint64_t fn, size_t depth)
{
	Dwarf_Die die, sites[UNWIND_TC_SITES];
	Dwarf_Addr bias, ret;
	uint64_t target;
	size_t i, n;

	if (fn == tc->callee) {
		if (tc->found++ == 0) {
			memcpy(tc->chain, tc->sites, depth * sizeof *tc->sites);
			tc->length = depth;
		}
		return;
	}
	if (depth == UNWIND_TAILCALL_MAX || tc->found > 1)
		return;
	for (i = 0; i < depth; i++)
		if (tc->fns[i] == fn)
			return;		/* a loop of tail calls */
	if (!unwind_tc_function(tc->dwfl, fn, &die, &bias))
		return;
	n = unwind_tc_sites(&die, 0, sites, 0, UNWIND_TC_SITES);
	for (i = 0; i < n && tc->found < 2; i++) {
		if (!unwind_tc_return_pc(&sites[i], &ret) ||
		    !unwind_tc_target(tc, &sites[i], bias, &target))
			continue;
		tc->fns[depth] = fn;
		tc->sites[depth] = ret + bias;
		unwind_tc_search(tc, target, depth + 1);
	}
}
