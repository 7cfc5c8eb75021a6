using System.Text.Json.Serialization;

namespace VmEventOps.Engine.Workflow;

/// <summary>The JSON of an onboarding record's history column (source-generated: no reflection on the hot path).</summary>
[JsonSerializable(typeof(IReadOnlyList<OnboardingAttempt>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class OnboardingHistoryJson : JsonSerializerContext;
