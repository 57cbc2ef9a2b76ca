/**
 * Loads the Reflect metadata polyfill @peculiar/x509 needs (its tsyringe refuses to load without one:
 * https://github.com/PeculiarVentures/x509#-reflect-polyfill-required). Import before @peculiar/x509.
 */
import 'reflect-metadata';
