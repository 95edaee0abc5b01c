// Profiles used by the fixtures and tests. Each one exists to exercise a kind of check.

Alias: $nhs-number = https://fhir.nhs.uk/Id/nhs-number
Alias: $loinc = http://loinc.org

Profile: ToolkitPatient
Parent: Patient
Id: toolkit-patient
Title: "Toolkit test Patient"
Description: "A patient with an NHS number slice (fixed system), a required name, a bound extension and an invariant."
* identifier 1..* MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains nhsNumber 1..1 MS
* identifier[nhsNumber].system 1..1
* identifier[nhsNumber].system = $nhs-number (exactly)
* identifier[nhsNumber].value 1..1
* identifier[nhsNumber].value obeys tk-nhs-number-format
* name 1..*
* name.family 1..1
* gender 1..1
* extension contains PreferredContactTime named preferredContactTime 0..1
* telecom ^slicing.discriminator.type = #value
* telecom ^slicing.discriminator.path = "system"
* telecom ^slicing.rules = #closed
* telecom contains phone 0..* and email 0..1
* telecom[phone].system = #phone (exactly)
* telecom[email].system = #email (exactly)

Invariant: tk-nhs-number-format
Description: "An NHS number is 10 digits"
Expression: "matches('^[0-9]{10}$')"
Severity: #error

Extension: PreferredContactTime
Id: preferred-contact-time
Title: "Preferred contact time"
Description: "When the patient prefers to be contacted."
Context: Patient
* value[x] only code
* value[x] from PreferredContactTimes (required)

ValueSet: PreferredContactTimes
Id: preferred-contact-times
Title: "Preferred contact times"
Description: "Parts of the day."
* include codes from system ContactTimes

CodeSystem: ContactTimes
Id: contact-times
Title: "Contact times"
Description: "Parts of the day."
* ^caseSensitive = true
* #morning "Morning"
* #afternoon "Afternoon"
* #evening "Evening"

Profile: ToolkitHeartRate
Parent: Observation
Id: toolkit-heart-rate
Title: "Toolkit test heart rate"
Description: "An observation with a pattern on code, a choice restricted to Quantity and a fixed unit system."
* status = #final
* code = $loinc#8867-4
* subject 1..1
* subject only Reference(ToolkitPatient)
* value[x] only Quantity
* valueQuantity.system 1..1
* valueQuantity.system = "http://unitsofmeasure.org" (exactly)
* valueQuantity.code = #/min (exactly)
