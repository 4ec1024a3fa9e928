/*
 * NAME
 *   ssim_spec - SnelStart's OpenAPI file, and request bodies checked against it
 *
 * DESCRIPTION
 *   ssim_spec_load reads the OpenAPI 3.0 file of the B2B API v2 (YAML, with
 *   libyaml) into memory and checks that the validator understands every
 *   schema in it: each $ref resolves, each keyword and format is one it
 *   checks or a mere annotation. ssim_spec_request finds the schema of an
 *   operation's JSON request body; ssim_spec_check validates a value
 *   against a schema the way SnelStart's gateway would refuse it:
 *
 *     type        string, number, integer (no fraction), boolean, array,
 *                 object; null only where the schema says nullable: true
 *     required    every listed property present
 *     enum        one of the listed values
 *     format      uuid (8-4-4-4-12 hex), date-time (YYYY-MM-DDTHH:MM:SS,
 *                 optional fraction, optional Z or +HH:MM/-HH:MM), date,
 *                 int32 and int64 ranges, byte (base64); double, float and
 *                 decimal are numbers
 *     maxLength, minLength   counted in UTF-16 units, as .NET counts
 *     minimum, maximum (exclusiveMinimum/Maximum), minItems, maxItems
 *     properties  where a schema (with its allOf parts) lists properties
 *                 or says additionalProperties: false, any other property
 *                 is refused unless additionalProperties gives it a schema
 *                 or true (a schema listing none is a free-form object);
 *                 a property marked readOnly must not be sent
 *     $ref, allOf resolved; nullable honoured
 *
 *   Property names are matched as the spec spells them.
 *
 * DIAGNOSTICS
 *   Errors are appended as SnelStart's {errorCode, message, propertyName},
 *   propertyName a path like "boekingsregels[0].btwSoort":
 *     GEN-0001  wrong type                 GEN-0005  too long or too short
 *     GEN-0002  required property missing  GEN-0006  unknown property
 *     GEN-0003  value not in the enum      GEN-0007  read-only property sent
 *     GEN-0004  wrong format               GEN-0008  null where not nullable
 *     GEN-0009  number or list size out of range
 *   ssim_spec_load fails with a message naming the file and what is wrong.
 */
#ifndef SSIM_SPEC_H
#define SSIM_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

typedef struct ssim_spec ssim_spec_t;

/* ssim_spec_load - read and check an OpenAPI file; NULL with err */
ssim_spec_t *ssim_spec_load(const char *path, char *err, size_t errlen);
/* ssim_spec_destroy - free the spec, null the caller's pointer */
void ssim_spec_destroy(ssim_spec_t **spec_p);
/* ssim_spec_request - the JSON request body schema of METHOD PATH (as the
 * spec writes the path, e.g. "/relaties/{id}"); NULL when it has none */
const json_t *ssim_spec_request(const ssim_spec_t *spec, const char *method, const char *path);
/* ssim_spec_component - components/schemas/NAME; NULL when absent */
const json_t *ssim_spec_component(const ssim_spec_t *spec, const char *name);
/* ssim_spec_check - validate value against schema; errors appended, true when valid */
bool ssim_spec_check(const ssim_spec_t *spec, const json_t *schema, const json_t *value,
                     json_t *errors);

#endif
