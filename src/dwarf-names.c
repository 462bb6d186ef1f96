/*
 * dwarf-names.c: the C names of dwarf-value.h's types ("struct node *",
 * "int [4]", "int (*)(int)"), as gdb writes them. Below both the
 * evaluator (its errors name types) and the printer (pointers and
 * functions show theirs); calls only dwarf-types.c.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "dwarf-value-int.h"
#include "util.h"

static char *dwv_name_decl(const struct dwv_type *t, const char *suffix);

char *
dwv_type_name(const struct dwv_value *v)
{
	return dwv_name_decl(&v->type, "");
}

/* t named as C declares it, around the declarator suffix. */
static char *
dwv_name_decl(const struct dwv_type *t, const char *suffix)
{
	struct dwv_type inner;
	Dwarf_Die d, child;
	Dwarf_Attribute attr;
	char *s, *r, *params;
	const char *n, *kw = "";
	uint64_t count;
	int tag;

	if (t->ptrs > 0) {
		inner = *t;
		inner.ptrs--;
		s = xstrfmt("*%s", suffix);
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	}
	if (!t->has_die)
		return xstrfmt("%s%s%s%s", t->is_const ? "const " : "",
		    t->name != NULL ? t->name : "void",
		    *suffix != '\0' ? " " : "", suffix);
	d = t->die;
	if (t->dim > 0 || dwarf_tag(&d) == DW_TAG_array_type) {
		if (dwarf_tag(&d) != DW_TAG_array_type)
			dwarf_peel_type(&d, &d);
		inner = *t;
		inner.die = d;
		dwv_array_dims(&inner, &count, &inner);
		s = *suffix == '*' ? xstrfmt("(%s)[%" PRIu64 "]", suffix,
		    count) : xstrfmt("%s[%" PRIu64 "]", suffix, count);
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	}
	tag = dwarf_tag(&d);
	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		/* Not dwv_target: it would peel the qualifier first. */
		inner = (struct dwv_type){ .name = "void" };
		if (dwarf_attr(&d, DW_AT_type, &attr) != NULL &&
		    dwarf_formref_die(&attr, &child) != NULL)
			dwv_type_of(&child, &inner);
		if (tag == DW_TAG_pointer_type) {
			s = xstrfmt("*%s", suffix);
		} else {
			kw = tag == DW_TAG_const_type ? "const" : "volatile";
			if (inner.has_die && dwarf_tag(&inner.die) ==
			    DW_TAG_pointer_type)
				s = xstrfmt("%s%s%s", kw,
				    *suffix != '\0' ? " " : "", suffix);
			else {
				r = dwv_name_decl(&inner, suffix);
				s = xstrfmt("%s %s", kw, r);
				free(r);
				return s;
			}
		}
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		dwv_target(&(struct dwv_type){ .die = d, .has_die = true },
		    &inner);
		params = xstrdup("");
		if (dwarf_child(&d, &child) == 0) {
			do {
				if (dwarf_tag(&child) !=
				    DW_TAG_formal_parameter ||
				    dwarf_attr_integrate(&child, DW_AT_type,
				    &attr) == NULL)
					continue;
				struct dwv_type pt;
				Dwarf_Die ptd;

				if (dwarf_formref_die(&attr, &ptd) == NULL)
					continue;
				dwv_type_of(&ptd, &pt);
				s = dwv_name_decl(&pt, "");
				r = xstrfmt("%s%s%s", params,
				    *params != '\0' ? ", " : "", s);
				free(s);
				free(params);
				params = r;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (*params == '\0' && dwarf_hasattr(&d, DW_AT_prototyped)) {
			free(params);
			params = xstrdup("void");
		}
		s = *suffix != '\0' ? xstrfmt("(%s)(%s)", suffix, params) :
		    xstrfmt("(%s)", params);
		free(params);
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	case DW_TAG_structure_type:
		kw = "struct ";
		break;
	case DW_TAG_union_type:
		kw = "union ";
		break;
	case DW_TAG_enumeration_type:
		kw = "enum ";
		break;
	default:
		break;
	}
	n = dwarf_diename(&d);
	return xstrfmt("%s%s%s%s", kw, n != NULL ? n : "{...}",
	    *suffix != '\0' && *suffix != '(' ? " " : *suffix == '(' ? " " :
	    "", suffix);
}
