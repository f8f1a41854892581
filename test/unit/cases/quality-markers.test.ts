import { describe, expect, it } from 'vitest';
import { deriveQualityMarkers, deriveSupportStage } from '../../../src/cases/quality-markers.js';

describe('consultation-quality markers from intake answers', () => {
  it('reads the person\'s own wish, by who is writing', () => {
    expect(deriveQualityMarkers({ person_wish: 'wants' }, 'self').ownWish.value).toBe('reflected');
    expect(deriveQualityMarkers({}, 'self').ownWish.value).toBe('reflected');
    expect(deriveQualityMarkers({ person_wish: 'not_now' }, 'self').ownWish.value).toBe('not_reflected');
    expect(deriveQualityMarkers({ person_wish: 'wants', person_aware: 'yes' }, 'family').ownWish.value).toBe('reflected');
    expect(deriveQualityMarkers({ person_wish: 'wants', person_aware: 'no' }, 'family').ownWish.value).toBe('undecided');
    expect(deriveQualityMarkers({ person_wish: 'refuses' }, 'family').ownWish.value).toBe('not_reflected');
    expect(deriveQualityMarkers({ person_aware: 'no' }, 'agency').ownWish.value).toBe('not_reflected');
    expect(deriveQualityMarkers({}, 'neighbour').ownWish.value).toBe('unknown');
  });

  it('flags 8050 households, violence and an exhausted family as household risk', () => {
    const eighty = deriveQualityMarkers({ household_oldest_age: '80plus', household_worries: 'care' }, 'family').householdRisk;
    expect(eighty.value).toBe('high');
    expect(eighty.factors).toEqual(['elderly_parents', 'care']);
    expect(deriveQualityMarkers({ household_worries: 'violence' }, 'family').householdRisk.value).toBe('high');
    expect(deriveQualityMarkers({ family_exhaustion: 'limit' }, 'family').householdRisk.value).toBe('high');
    expect(deriveQualityMarkers({ household_oldest_age: '70s' }, 'family').householdRisk.value).toBe('medium');
    expect(deriveQualityMarkers({ household_worries: 'none', household_oldest_age: 'under60' }, 'self').householdRisk.value).toBe('low');
    expect(deriveQualityMarkers({}, 'self').householdRisk.value).toBe('unknown');
    expect(deriveQualityMarkers({}, 'family', ['abuse_elder']).householdRisk).toMatchObject({ value: 'high', factors: ['abuse_elder'] });
  });

  it('reads existing support connections', () => {
    expect(deriveQualityMarkers({ connections: 'yes' }, 'self').supportConnections.value).toBe('connected');
    expect(deriveQualityMarkers({ connections: 'past' }, 'self').supportConnections.value).toBe('past');
    expect(deriveQualityMarkers({ connections: 'no' }, 'self').supportConnections.value).toBe('none');
    expect(deriveQualityMarkers({ assessed: 'yes' }, 'agency').supportConnections.value).toBe('connected');
    expect(deriveQualityMarkers({}, 'self').supportConnections.value).toBe('unknown');
  });

  it('suggests a first support stage', () => {
    expect(deriveSupportStage(deriveQualityMarkers({ person_wish: 'wants', connections: 'yes' }, 'self'))).toBe('individual_support');
    expect(deriveSupportStage(deriveQualityMarkers({ person_wish: 'undecided', connections: 'yes' }, 'self'))).toBe('encounter_assessment');
    expect(deriveSupportStage(deriveQualityMarkers({}, 'family'))).toBe('encounter_assessment');
  });
});
