"""Links to other terminologies: offline checks of the mapping sets, and SSSOM and FHIR exports."""
