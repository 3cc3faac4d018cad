//! The same-fact model's fitted numbers (generated; do not edit by hand).
//!
//! Fitted by `storydiff calibrate --write-model src/diff/model.rs ../shared/data/msrp/train.tsv` on 4076 pairs; 10-fold CV accuracy 0.7841, F1 0.8447.

// Feature order:
//   idf_cover_min
//   idf_cover_max
//   cover_min
//   cover_max
//   unmatched_idf_min
//   unmatched_idf_max
//   unmatched_min
//   unmatched_max
//   ngram1_f
//   ngram2_f
//   ngram3_f
//   ngram4_f
//   lcs_min
//   lcs_max
//   word_edit
//   numbers_unmatched
//   numbers_all_match
//   names_unmatched_min
//   names_unmatched_max
//   length_diff
//   length_ratio
//   negation_mismatch
//   char_trigram_jaccard
//   function_jaccard
//   key_bigram_f
//   unmatched_content_min
//   unmatched_content_max
//   idf_cover_harmonic
//   idf_cover_min_squared
//   length_longer
//   content_lcs

#[rustfmt::skip]
pub const MEANS: [f64; 31] = [0.629014, 0.752205, 0.633349, 0.752491, 2.490680, 3.291219, 1.139884, 1.645336, 0.659245, 0.478222, 0.370616, 0.296479, 0.575191, 0.678429, 0.512868, 0.356348, 0.202895, 0.271590, 1.140579, 1.235962, 0.851207, 0.043916, 0.531195, 0.551492, 0.456755, 0.864768, 1.374594, 0.681536, 0.425213, 3.049001, 0.583283];
#[rustfmt::skip]
pub const SCALES: [f64; 31] = [0.171913, 0.179559, 0.162640, 0.169806, 1.064343, 0.642020, 0.570390, 0.440801, 0.144670, 0.199605, 0.222709, 0.228675, 0.148471, 0.165034, 0.195538, 0.595725, 0.402155, 0.623460, 1.264799, 0.624563, 0.099950, 0.204907, 0.167750, 0.232786, 0.218599, 0.534154, 0.456613, 0.169680, 0.213669, 0.248821, 0.160017];
#[rustfmt::skip]
pub const WEIGHTS: [f64; 31] = [-0.153668, 0.412940, -0.289952, 0.320649, -0.275532, -1.275958, 0.139582, 0.621784, 0.438031, -0.180490, -0.175541, -0.304971, 1.776262, -1.385510, -0.599238, -0.100384, 0.079216, -0.023087, 0.266290, 0.112388, -0.239607, -0.227189, 0.821329, -0.112666, -0.711006, 0.519518, -0.134613, -0.224043, 0.554065, -0.122391, -0.115162];
pub const BIAS: f64 = 1.209011;
pub const THRESHOLD: f64 = 0.50;
