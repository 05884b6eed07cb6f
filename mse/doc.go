// Package mse estimates how many people no list recorded: multiple systems
// estimation (capture–recapture) from the overlaps of several lists of the
// same population, the method the Human Rights Data Analysis Group used in
// Kosovo, Peru, Guatemala, Syria and the Philippines.
//
// The input is a Table: for each pattern of lists (which lists recorded a
// person), the number of people recorded by exactly those lists. From it:
//
//   - Lincoln–Petersen and Chapman, for two lists;
//   - Poisson log-linear models over the 2^k−1 observable cells (FitLogLinear
//     for a given hierarchical model, Search for the best one by AIC or BIC),
//     with the Fienberg–Rinaldo check that the estimate exists and is
//     identifiable, and profile-likelihood or bootstrap intervals;
//   - the Bayesian non-parametric latent-class model of Manrique-Vallier (2016),
//     LCMCR, sampled by Gibbs with a seed, reporting posterior summaries and
//     convergence diagnostics;
//   - Stratified, which estimates each stratum (city, period) on its own and
//     adds the strata up with an interval for the total.
//
// Every method refuses, with an error saying why, rather than print a number
// the data cannot support. Errors caused by the input carry the qantar
// EINVALID code.
package mse
